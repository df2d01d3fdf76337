import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * This tool's version, from its package.json: the nearest one named aws-runbook above this module
 * (src/cli when run from source, dist/src/cli when built), so both layouts read the same file.
 */
export function packageVersion(from: string = import.meta.dirname): string {
  let dir = from;
  for (let depth = 0; depth < 6; depth += 1) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'aws-runbook' && manifest.version) return manifest.version;
    } catch {
      // no (readable) package.json here: look higher
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return 'unknown';
}
