// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers' import arrows: a folder may import the folders below it, never those above. `folders` are
 * the top-level folders of src/ a zone must not import; a relative import that climbs into one of them
 * (`../tasks/x.js`, `../../app/y.js`) is refused. Static imports and `export … from` go through
 * no-restricted-imports; `import('…')` expressions and types through no-restricted-syntax.
 * @param {string[]} folders
 * @param {string} message
 */
function layerRules(folders, message) {
  const source = `^(\\.\\./)+(${folders.join('|')})(/|$)`;
  // esquery regex literals end at the first '/': spell the slash as \x2F there.
  const selector = source.replaceAll('/', '\\x2F');
  return {
    'no-restricted-imports': ['error', { patterns: [{ regex: source, message }] }],
    'no-restricted-syntax': [
      'error',
      { selector: `ImportExpression[source.value=/${selector}/]`, message },
      { selector: `TSImportType[source.value=/${selector}/]`, message },
    ],
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The engine only runs steps: plan, DAG, bracket, reducer, events. What it needs from above is handed in.
    files: ['src/engine/**/*.{ts,tsx}'],
    rules: layerRules(
      ['tasks', 'runbook', 'app', 'screens', 'cli', 'sandbox', 'render'],
      'The engine imports nothing from tasks, runbook, app, screens, cli, sandbox or render: move the shared declaration down into the engine or a leaf (aws, state, ssh, config, errors).',
    ),
  },
  {
    // Leaves: they import each other and packages only.
    files: ['src/{aws,state,ssh,config,errors}/**/*.{ts,tsx}'],
    rules: layerRules(
      ['engine', 'app', 'tasks', 'runbook', 'screens', 'cli', 'sandbox', 'render'],
      'src/aws, src/state, src/ssh, src/config and src/errors are leaves: they import only each other and packages. Move the shared declaration down into the leaf.',
    ),
  },
  {
    // The app (session, controller, verify run, run log) sits under the screens, the CLI and the renderers.
    files: ['src/app/**/*.{ts,tsx}'],
    rules: layerRules(
      ['screens', 'cli', 'sandbox', 'render'],
      'The app imports nothing from screens, cli, sandbox or render: they sit above it and hand it what it needs.',
    ),
  },
  {
    // Screens render engine state and send intents; they never talk to AWS, SSH or processes.
    files: ['src/screens/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*'], message: 'Screens never call AWS: render engine state and send intents.' },
            { group: ['node-ssh', 'execa'], message: 'Screens never run SSH or processes: send an intent to the engine.' },
          ],
        },
      ],
    },
  },
);
