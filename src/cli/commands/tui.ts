import { UsageError } from '../exit-codes.js';
import { openSession } from '../open-session.js';
import { runTuiWithSignals } from '../run-tui-signals.js';
import type { CommandIO } from '../io.js';
import type { GlobalOptions } from '../target.js';

/** `aws-runbook` with no command: the interactive assistant. */
export async function tuiCommand(global: GlobalOptions, io: CommandIO): Promise<number> {
  if (!io.interactive) {
    throw new UsageError(
      'The interactive assistant needs a terminal (stdin/stdout is not a TTY). In scripts and CI use ' +
        '`aws-runbook plan`, `aws-runbook up --yes`, `aws-runbook status` (see `aws-runbook --help`).',
    );
  }
  const session = await openSession(global, io, 'tui', 'write', undefined, { screen: true });
  try {
    return await runTuiWithSignals(session, { screen: 'welcome' });
  } finally {
    await session.close();
  }
}
