import type { Config } from '../config/schema.js';
import { wrapNote } from '../render/wrap-note.js';
import { RunbookSession } from '../app/session.js';
import { resolveTarget, type GlobalOptions } from './target.js';
import { addressPolicyFor } from '../ssh/address-policy.js';
import type { CommandIO } from './io.js';
import { onSignals } from './signals.js';
import { EXIT } from './exit-codes.js';

const LOGGED_READS = new Set(['verify', 'backup', 'restore']);

/** Config, target and session for a command; the caller must `close()` the session. */
export async function openSession(
  global: GlobalOptions,
  io: CommandIO,
  command: string,
  mode: 'read' | 'write',
  /** Checks of the input that must pass before the state is opened (bad input leaves it untouched). */
  precheck?: (config: Config, configPath: string, where: { hostsReachable: boolean; hostsNotice?: string; stateDir: string }) => Promise<void>,
  /**
   * `screen`: an Ink screen will draw on the terminal, so --verbose does not mirror the log to stderr.
   * `offline`: nothing is sent anywhere (`plan --offline`), not even the lab question to an emulator.
   */
  output: { screen?: boolean; offline?: boolean } = {},
): Promise<RunbookSession> {
  // What the target says as it starts (the sandbox's notes) is prose: wrapped at words in a terminal, never mid-word.
  const say = (line: string) => io.err(wrapNote(line, io.errColumns));
  const target = await resolveTarget(global, say);
  try {
    const addressPolicy = target.addressPolicy ?? (await addressPolicyFor(target.aws.endpoint, { offline: Boolean(output.offline) }));
    const where = { hostsReachable: addressPolicy.reachable, stateDir: target.stateDir, ...(addressPolicy.notice ? { hostsNotice: addressPolicy.notice } : {}) };
    await precheck?.(target.config, target.configPath, where);
    return await RunbookSession.open({
      config: target.config,
      configPath: target.configPath,
      configFound: target.configFound,
      stateDir: target.stateDir,
      aws: target.aws,
      sandbox: Boolean(target.sandbox),
      addressPolicy,
      mode,
      command,
      onClose: () => target.release(),
      notify: (line) => say(`note: ${line}`),
      // A log for every run that changes things (up, down, the TUI), and for backup, restore and verify.
      ...(mode === 'write' || LOGGED_READS.has(command)
        ? { log: global.verbose && !output.screen ? { mirror: (line: string) => io.err(`log ${line}`) } : {} }
        : {}),
    });
  } catch (error) {
    target.aws.destroy();
    await target.release();
    throw error;
  }
}

/**
 * Ctrl-C (and SIGTERM, SIGHUP) for a running command: the first stops the run cleanly (in-flight calls
 * are aborted, the state records where it stopped, the lock is released); a second exits at once with
 * 130 (atomic writes leave the state file whole; the 'exit' handlers stop moto and release the lock).
 */
export function onInterrupt(stop: () => void, io: CommandIO): () => void {
  let count = 0;
  return onSignals((signal) => {
    count += 1;
    if (count === 1) {
      const what = signal === 'SIGINT' ? '' : ` (${signal})`;
      io.err(`Stopping${what}… the state will record where the run stopped (Ctrl-C again to exit at once).`);
      stop();
    } else {
      process.exit(EXIT.interrupted);
    }
  });
}

/** "\nThe run's log: PATH" when the run wrote one (what failure messages end with). */
export function logLine(logPath: string | undefined): string {
  return logPath ? `\nThe run's log (JSON lines, secrets redacted): ${logPath}` : '';
}
