import { formatStatus } from '../../render/format-plan.js';
import { allSteps } from '../../runbook/sections.js';
import { runningLockHolder } from '../../state/store.js';
import { EXIT } from '../exit-codes.js';
import { openSession } from '../open-session.js';
import type { CommandIO } from '../io.js';
import type { GlobalOptions } from '../target.js';

/** `status`: what the state file says, per section and step. Never calls AWS, never takes the lock. */
export async function statusCommand(global: GlobalOptions, options: { json?: boolean }, io: CommandIO): Promise<number> {
  const session = await openSession({ ...global, sandbox: false }, io, 'status', 'read');
  try {
    const recorded = session.state?.steps ?? {};
    const steps = allSteps(session.runbook).map((step) => {
      const entry = recorded[step.id];
      return {
        stepId: step.id,
        title: step.title,
        section: step.section,
        status: entry?.status ?? 'not started',
        ...(entry ? { outputs: entry.outputs } : {}),
        ...(entry?.status === 'failed' ? { error: `${entry.error.kind}: ${entry.error.message}` } : {}),
        ...(entry ? { at: entry.status === 'running' ? entry.startedAt : entry.finishedAt } : {}),
      };
    });
    // A run holding the lock right now is not interrupted: say so rather than offer to resume it.
    const holder = await runningLockHolder(session.info.stateDir);
    const running = holder ? { pid: holder.pid, host: holder.host, command: holder.command, since: holder.since } : undefined;
    const resume = running ? undefined : session.resumeInfo();
    const sections = session.sections();
    if (options.json) {
      io.out(
        JSON.stringify(
          {
            project: session.info.project,
            region: session.info.region,
            stateDir: session.info.stateDir,
            account: session.state?.account ?? null,
            lastRun: session.state?.lastRun ?? null,
            running: running ?? null,
            resume: resume ?? null,
            sections,
            steps,
          },
          null,
          2,
        ),
      );
    } else {
      io.out(formatStatus({ sections, steps, ...(resume ? { resume } : {}), ...(running ? { running } : {}) }));
    }
    return EXIT.ok;
  } finally {
    await session.close();
  }
}
