import { access, mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import { ConfigError, type ConfigIssue } from './issues.js';
import { renderConfigYaml } from './render.js';
import type { Config, ConfigInput } from './schema.js';
import { validateConfig } from './validate.js';

export { renderConfigYaml } from './render.js';

export const DEFAULT_CONFIG_FILE = 'aws-runbook.yaml';

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file read (or of the default file that was looked for). */
  path: string;
  /** False when the default file does not exist and the seed defaults are used. */
  found: boolean;
}

/** `~` and `~/…` to the home directory. Paths in the config are kept as written; their users expand them. */
export function expandHome(path: string): string {
  if (path === '~') return homedir();
  return path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/**
 * Reads and validates the config. No `path`: `aws-runbook.yaml` in `cwd`, or the seed defaults when
 * there is none. A named file must exist.
 */
export async function loadConfig(path?: string, cwd = process.cwd()): Promise<LoadedConfig> {
  const file = resolve(cwd, path ?? DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' && path === undefined) return { config: validateConfig({}, file), path: file, found: false };
    const issue: ConfigIssue =
      code === 'ENOENT'
        ? { field: '', message: 'the file does not exist', fix: 'check the path given to --config, or create it with `aws-runbook init`' }
        : { field: '', message: `the file cannot be read (${code ?? String(error)})`, fix: 'check that it is a readable file' };
    throw new ConfigError(file, [issue]);
  }
  return { config: parseConfigText(text, file), path: file, found: true };
}

const YAML_FIXES: Record<string, string> = {
  DUPLICATE_KEY: 'keep only one of the two entries',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BAD_INDENT: 'align the keys of one mapping at the same indentation (spaces)',
};

function yamlIssue(error: YAMLError): ConfigIssue {
  const firstLine = error.message.split('\n')[0] ?? error.message;
  const position = error.linePos?.[0];
  return {
    field: '',
    message: `YAML syntax error: ${firstLine.replace(/ at line \d+, column \d+:?$/, '')}`,
    fix: YAML_FIXES[error.code] ?? 'check the indentation and the `key: value` form on that line',
    ...(position ? { line: position.line, column: position.col } : {}),
  };
}

/** `network.mvp.private[1].cidr` → ['network', 'mvp', 'private', 1, 'cidr']. */
function parseField(field: string): (string | number)[] {
  return field
    .split(/\.|(?=\[)/)
    .filter((part) => part !== '')
    .map((part) => (/^\[\d+\]$/.test(part) ? Number(part.slice(1, -1)) : part));
}

type Ranged = { range?: [number, number, number] } | undefined;

/** The range of the key that names `path` in its mapping ("databse:"), else of the value node itself. */
function rangeOf(doc: Document, path: (string | number)[]): [number, number, number] | undefined {
  const parent: unknown = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(last));
    const keyRange = (pair?.key as Ranged)?.range;
    if (keyRange) return keyRange;
  }
  return (doc.getIn(path, true) as Ranged)?.range;
}

/** The line of the field's key (or of its closest written parent) in the document. */
function withLine(issue: ConfigIssue, doc: Document, lines: LineCounter): ConfigIssue {
  for (let path = parseField(issue.field); path.length > 0; path = path.slice(0, -1)) {
    const range = rangeOf(doc, path);
    if (range) return { ...issue, line: lines.linePos(range[0]).line };
  }
  return issue;
}

/** Parses YAML text and validates it; problems carry their line in the file. */
export function parseConfigText(text: string, source: string): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) throw new ConfigError(source, doc.errors.map(yamlIssue));
  try {
    return validateConfig(doc.toJS(), source);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(source, error.issues.map((issue) => withLine(issue, doc, lines)));
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Validates `input`, then writes it as a commented YAML file, atomically. An existing file is only
 * replaced with `force`.
 */
export async function writeConfig(path: string, input: ConfigInput, options: { force?: boolean } = {}): Promise<Config> {
  const config = validateConfig(input, path);
  if (!options.force && (await exists(path))) {
    throw new ConfigError(path, [
      { field: '', message: 'the file already exists', fix: 'pass --force to overwrite it, or name another file with --config FILE' },
    ]);
  }
  const text = renderConfigYaml(input);
  parseConfigText(text, path); // what is written must load back
  await mkdir(dirname(resolve(path)), { recursive: true });
  await writeFileAtomic(path, text, { fsync: true });
  return config;
}
