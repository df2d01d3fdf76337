import { projectKey } from '../engine/context.js';
import type { CommandIO } from './io.js';
import { loadTargetConfig, type GlobalOptions } from './target-config.js';

/**
 * The plain output's first line (`up --yes`, `down --yes`): what is run, on which project, region and
 * endpoint, and where its state is, said from the config alone, before the AWS SDK, moto or any task is
 * loaded. A bad config or flag is refused here, before anything is said (exit 2).
 */
export async function sayTarget(command: string, global: GlobalOptions, io: CommandIO): Promise<void> {
  const target = await loadTargetConfig(global);
  const where = global.sandbox ? 'sandbox (moto on loopback, nothing real)' : target.endpoint !== undefined ? `endpoint ${target.endpoint}` : 'AWS';
  const state = global.sandbox && global.state === undefined ? 'a throwaway directory' : target.stateDir;
  io.out(`aws-runbook ${command} · ${projectKey(target.config)} · ${target.config.region} · ${where} · state ${state}`);
}
