import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { validateConfig } from '../config/validate.js';
import type { Config } from '../config/schema.js';
import { DEFAULT_STATE_DIR } from '../state/paths.js';
import { UsageError } from './exit-codes.js';

/**
 * What a run's target is made of that can be known before the AWS SDK, moto or any task is loaded: the
 * config (with `--region`), where the state lives, and the flags that exclude each other. The first
 * screen and the plain renderer's first line are drawn from it (target.ts loads the rest).
 */

/** Global flags. */
export interface GlobalOptions {
  config?: string;
  state?: string;
  profile?: string;
  region?: string;
  endpointUrl?: string;
  sandbox?: boolean;
  color?: boolean;
  verbose?: boolean;
}

export interface TargetConfig {
  config: Config;
  configPath: string;
  configFound: boolean;
  /** `--state`, or the default; a rehearsal without `--state` keeps its state in a throwaway directory instead. */
  stateDir: string;
  /** `--endpoint-url`, or $AWS_ENDPOINT_URL (not with `--sandbox`, which is its own endpoint). */
  endpoint?: string;
}

export function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/** Flags that exclude each other, and an endpoint that is not an http(s) URL: exit 2 before anything starts. */
export function checkTargetFlags(options: GlobalOptions): string | undefined {
  if (options.sandbox) {
    if (options.endpointUrl) throw new UsageError('--sandbox and --endpoint-url exclude each other: the sandbox is its own endpoint.');
    if (options.profile) throw new UsageError('--sandbox uses fake credentials; drop --profile.');
    return undefined;
  }
  const endpoint = options.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
  if (endpoint === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(endpoint);
  } catch {
    throw new UsageError(`--endpoint-url "${endpoint}" is not a URL; give one like http://127.0.0.1:5000`);
  }
  if (!/^https?:$/.test(parsed.protocol)) throw new UsageError(`--endpoint-url must be http(s), got "${endpoint}"`);
  return endpoint;
}

/** The config (validated, `--region` applied), the state directory and the endpoint; bad input throws (exit 2). */
export async function loadTargetConfig(options: GlobalOptions): Promise<TargetConfig> {
  const endpoint = checkTargetFlags(options);
  const loaded = await loadConfig(options.config);
  // --region goes through the same validation as the file (a typo gets the same "did you mean").
  const config: Config = options.region
    ? validateConfig({ ...loaded.config, region: options.region }, `${loaded.path} with --region ${options.region}`)
    : loaded.config;
  return {
    config,
    configPath: loaded.path,
    configFound: loaded.found,
    stateDir: resolve(options.state ?? DEFAULT_STATE_DIR),
    ...(endpoint !== undefined ? { endpoint } : {}),
  };
}
