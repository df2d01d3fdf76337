import { resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../../config/load.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { openSession } from '../open-session.js';
import { runTuiWithSignals } from '../run-tui-signals.js';
import type { CommandIO } from '../io.js';
import type { GlobalOptions } from '../target.js';
import { setupForm } from './init.js';

/** What a rehearsal leaves when it ends: one line, under the last frame. */
export const REHEARSAL_DISCARDED = 'Rehearsal discarded. For real, run: aws-runbook init, then plan, then up.';

/**
 * A first run with no config file (and no --sandbox, which needs none): the setup form first, then the
 * assistant on what it wrote. Cancelled: nothing was written, and it says so (130).
 */
async function setUpFirst(global: GlobalOptions, io: CommandIO): Promise<number | undefined> {
  if (global.sandbox || global.config !== undefined) return undefined;
  if ((await loadConfig(undefined)).found) return undefined;
  const path = resolve(DEFAULT_CONFIG_FILE);
  const code = await setupForm(path, {
    intro: `No ${DEFAULT_CONFIG_FILE} here yet: a few answers first (what \`aws-runbook init\` asks), then the assistant. Enter keeps a value; Esc leaves without writing anything.`,
    savedNote: 'Opening the assistant…',
    clear: true,
  });
  if (code === EXIT.ok) return undefined;
  io.err(`Setup cancelled: nothing was written. \`aws-runbook init\` sets it up; \`aws-runbook --sandbox\` rehearses without it.`);
  return code;
}

/** `aws-runbook` with no command: the interactive assistant. */
export async function tuiCommand(global: GlobalOptions, io: CommandIO): Promise<number> {
  if (!io.interactive) {
    throw new UsageError(
      'The interactive assistant needs a terminal (stdin/stdout is not a TTY). In scripts and CI use ' +
        '`aws-runbook plan`, `aws-runbook up --yes`, `aws-runbook status` (see `aws-runbook --help`).',
    );
  }
  const cancelled = await setUpFirst(global, io);
  if (cancelled !== undefined) return cancelled;
  // What the tool says while it starts (the rehearsal's stand-ins) goes on the Welcome screen, not above it.
  const notices: string[] = [];
  let session;
  try {
    // Not wrapped for the terminal here: the Welcome screen wraps them to its width.
    const { errColumns: _columns, ...unwrapped } = io;
    session = await openSession(global, { ...unwrapped, err: (line) => notices.push(line) }, 'tui', 'write', undefined, { screen: true });
  } catch (error) {
    for (const line of notices) io.err(line);
    throw error;
  }
  try {
    const code = await runTuiWithSignals(session, { screen: 'welcome' }, notices);
    if (global.sandbox) io.err(REHEARSAL_DISCARDED);
    return code;
  } finally {
    await session.close();
  }
}
