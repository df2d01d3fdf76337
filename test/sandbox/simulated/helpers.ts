import { configSchema, type Config } from '../../../src/config/schema.js';
import { buildRemoteCommand, secretLines, type SudoOptions } from '../../../src/ssh/remote-command.js';
import type { SimulatedHost } from '../../../src/sandbox/simulated/host.js';
import { SimulatedWorld } from '../../../src/sandbox/simulated/world.js';

/** A simulated world for unit tests (no SSH): the seed's network, a fixed master password. */
export async function testWorld(config: Config = configSchema.parse({})): Promise<SimulatedWorld> {
  return SimulatedWorld.create({ config, masterPassword: 'master-password-123', authorizedKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO0 test' });
}

export interface RunOptions {
  sudo?: boolean | SudoOptions;
  env?: Record<string, string>;
  secretEnv?: Record<string, string>;
  stdin?: string;
  cwd?: string;
}

/** Run a command on a host exactly as the SSH layer sends it (the same wrapper, secrets on stdin). */
export async function runOn(host: SimulatedHost, command: string, options: RunOptions = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const secrets = options.secretEnv ?? {};
  const line = buildRemoteCommand({ command, sudo: options.sudo, env: options.env, cwd: options.cwd, secretNames: Object.keys(secrets) });
  const stdin = Buffer.from(secretLines(secrets) + (options.stdin ?? ''));
  const result = await host.run(line, { user: 'ubuntu', stdin, signal: new AbortController().signal });
  return { code: result.code, stdout: result.stdout.toString('utf8'), stderr: result.stderr.toString('utf8') };
}
