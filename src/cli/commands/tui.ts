import { resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../../config/load.js';
import { projectKey } from '../../engine/context.js';
import { NoticeFeed, OPEN_FAILED, type SessionOpening } from '../../screens/boot-opening.js';
import type { WelcomeInfo } from '../../screens/Welcome.js';
import type { RunbookSession } from '../../app/session.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { bootTuiWithSignals } from '../run-tui-signals.js';
import { loadTargetConfig, type GlobalOptions, type TargetConfig } from '../target-config.js';
import type { CommandIO } from '../io.js';
import { setupForm } from './init.js';

/** What a rehearsal leaves when it ends: one line, under the last frame. */
export const REHEARSAL_DISCARDED = 'Rehearsal discarded. For real, run: aws-runbook init, then plan, then up.';

/** What the Welcome says while the session opens. */
export const OPENING_REHEARSAL = 'starting the AWS emulator (moto) and the simulated hosts…';
export const OPENING_SESSION = 'opening the session: the state, then who AWS says we are…';

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

/** What the Welcome shows before the session is open (a rehearsal's state directory is made as it opens). */
function welcomeInfo(global: GlobalOptions, target: TargetConfig): WelcomeInfo {
  return {
    project: projectKey(target.config),
    region: target.config.region,
    sandbox: Boolean(global.sandbox),
    configPath: target.configPath,
    configFound: target.configFound,
    ...(global.sandbox && global.state === undefined ? {} : { stateDir: target.stateDir }),
    ...(target.endpoint !== undefined ? { endpoint: target.endpoint } : {}),
  };
}

/** The session (the AWS SDK, the tasks, moto for a rehearsal: loaded here, after the first frame). */
async function openAssistantSession(global: GlobalOptions, io: CommandIO, notices: NoticeFeed): Promise<RunbookSession> {
  const { openSession } = await import('../open-session.js');
  // What the tool says while it starts (the rehearsal's stand-ins) goes on the Welcome screen, not above it;
  // not wrapped for the terminal here: the Welcome screen wraps them to its width.
  const { errColumns: _columns, ...unwrapped } = io;
  return openSession(global, { ...unwrapped, err: (line) => notices.push(line) }, 'tui', 'write', undefined, { screen: true });
}

/**
 * `aws-runbook` with no command: the interactive assistant. Its Welcome is drawn from the config before
 * the session opens (the first frame comes before the AWS SDK, moto or any task is loaded); a session
 * that cannot be opened takes the Welcome off and is reported as without a terminal (message, exit code).
 */
export async function tuiCommand(global: GlobalOptions, io: CommandIO): Promise<number> {
  if (!io.interactive) {
    throw new UsageError(
      'The interactive assistant needs a terminal (stdin/stdout is not a TTY). In scripts and CI use ' +
        '`aws-runbook plan`, `aws-runbook up --yes`, `aws-runbook status` (see `aws-runbook --help`).',
    );
  }
  const cancelled = await setUpFirst(global, io);
  if (cancelled !== undefined) return cancelled;
  // Bad flags or config: refused before anything is drawn.
  const target = await loadTargetConfig(global);
  const notices = new NoticeFeed();
  let session: Promise<RunbookSession> | undefined;
  const opening: SessionOpening = {
    info: welcomeInfo(global, target),
    doing: global.sandbox ? OPENING_REHEARSAL : OPENING_SESSION,
    notices,
    open: () => (session ??= openAssistantSession(global, io, notices)),
  };
  const code = await bootTuiWithSignals(opening);
  const opened = await (session ?? Promise.reject(new Error('the session was never opened'))).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if ('error' in opened) {
    if (code !== OPEN_FAILED) {
      // The operator left before it opened: what went wrong after that is no longer their question.
      if (global.sandbox) io.err(REHEARSAL_DISCARDED);
      return code;
    }
    for (const line of notices.lines()) io.err(line);
    throw opened.error;
  }
  try {
    if (global.sandbox) io.err(REHEARSAL_DISCARDED);
    return code;
  } finally {
    await opened.value.close();
  }
}
