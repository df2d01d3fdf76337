// The CLI as one bundle (esbuild): dist/bin/aws-runbook.js, the entry package.json's "bin" names and the
// tests spawn, and dist/bin/chunks/, one file per group of modules a dynamic `import()` loads when it is
// needed (the first screen, a command, the AWS session, the rehearsal's simulated hosts). Node then starts
// from a few files instead of hundreds (Ink's es-toolkit alone is 400 modules), which is what brings the
// first frame under 300 ms. Source maps are written next to every file.
//
// Kept out of the bundle, loaded from node_modules as before: the AWS SDK (src/aws/clients.ts requires its
// larger clients lazily, so there must be one copy of it, not a bundled one beside a required one); ssh2
// and node-ssh (native add-ons); and the packages only a rehearsal's simulated hosts or the host steps load
// (just-bash, socket.io, execa, tar, yauzl), which read files of their own or are bundles already.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const outdir = join(root, 'dist/bin');

export const EXTERNAL = [
  '@aws-sdk/*',
  '@smithy/*',
  'ssh2',
  'cpu-features',
  'node-ssh',
  'just-bash',
  'socket.io',
  'socket.io-client',
  'execa',
  'tar',
  'yauzl',
  // Ink loads it only with DEV=true (React DevTools); it is not a dependency.
  'react-devtools-core',
];

await rm(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['bin/aws-runbook.ts'],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // React, its reconciler and scheduler in their production builds (the development ones are 1 MB more to
  // load, and slower); the tests render the screens from the sources, with React's development checks.
  define: { 'process.env.NODE_ENV': '"production"' },
  // Less to read and parse at start-up; names are kept, so a stack trace (--verbose) still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  chunkNames: 'chunks/[name]-[hash]',
  external: EXTERNAL,
  // The CommonJS packages in the bundle call require() for Node's modules, and write-file-atomic hashes
  // __filename into its temporary files' names: every chunk gets both, as CommonJS modules have them.
  banner: {
    js: [
      "import { createRequire as __createRequire } from 'node:module';",
      "import { fileURLToPath as __fileURLToPath } from 'node:url';",
      'const require = __createRequire(import.meta.url);',
      'const __filename = __fileURLToPath(import.meta.url);',
    ].join(' '),
  },
  logLevel: 'warning',
});
