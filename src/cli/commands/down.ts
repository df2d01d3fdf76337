import { createInterface } from 'node:readline/promises';
import { createPlainRenderer } from '../../render/plain-renderer.js';
import { setDatabaseFinalSnapshot } from '../../tasks/database.js';
import { countBucketVersions, STORAGE_STEP_IDS } from '../../tasks/storage.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { logLine, onInterrupt, openSession } from '../open-session.js';
import type { CommandIO } from '../io.js';
import type { GlobalOptions } from '../target.js';
import { exitCodeForOutcome, selectSections } from './up.js';

export interface DownOptions {
  yes?: boolean;
  only?: string;
  /** Keep a final snapshot of the database (DeleteDBInstance FinalDBSnapshotIdentifier). */
  finalSnapshot?: boolean;
}

async function askProjectName(expected: string, io: CommandIO): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await prompt.question(`Type the project name (${expected}) to remove these resources, anything else to cancel: `);
    return answer.trim() === expected;
  } finally {
    prompt.close();
    io.out('');
  }
}

/** `down`: remove what this project created, in reverse dependency order. */
export async function downCommand(global: GlobalOptions, options: DownOptions, io: CommandIO): Promise<number> {
  if (!options.yes && !io.interactive) {
    throw new UsageError(
      '`aws-runbook down` asks you to type the project name, and there is no terminal to ask in. ' +
        'To remove everything without asking, run `aws-runbook down --yes`.',
    );
  }
  const session = await openSession(global, io, 'down', 'write');
  try {
    const sections = selectSections(session.runbook, options.only, true /* teardown removes AWS resources; it never needs SSH */);
    const render = createPlainRenderer({ write: io.out, verbose: Boolean(global.verbose), color: io.color });
    const unsubscribe = session.subscribe((event) => {
      if (event.type !== 'step-planned' && event.type !== 'plan-started' && event.type !== 'plan-finished') render(event);
    });
    const release = onInterrupt(() => session.abort(), io);
    try {
      await session.loadIdentity();
      // Before the previews, so the preview and the delete name the same snapshot.
      setDatabaseFinalSnapshot(Boolean(options.finalSnapshot));
      const entries = await session.planDown(sections);
      const doomed = entries.filter((entry) => entry.found.kind === 'present' && entry.found.ours && entry.step.destroy);
      if (doomed.length === 0) {
        io.out('Nothing of this project is left to remove.');
        await session.down(sections, entries);
        return EXIT.ok;
      }
      io.out(`To remove (${doomed.length}), last created first:`);
      for (const entry of [...doomed].reverse()) {
        const outputs = entry.found.kind === 'present' ? entry.found.outputs : {};
        const preview = entry.step.destroyPreview?.(session.engineContext(entry.step.id), outputs);
        io.out(`  - ${entry.step.title} (${Object.values(outputs).join(', ')})`);
        if (entry.step.id === STORAGE_STEP_IDS.bucket && outputs.bucketName) {
          const versions = await countBucketVersions(session.aws, outputs.bucketName);
          io.out(`      the bucket is emptied first: ${versions} object version(s) and delete marker(s) are deleted for good`);
        }
        for (const line of preview?.cli ?? []) io.out(`      ${line}`);
      }
      if (!options.yes && !(await askProjectName(session.projectName, io))) {
        io.err('Not confirmed: nothing was removed.');
        return EXIT.failed;
      }
      const outcome = await session.down(sections, entries);
      if (outcome === 'failed') io.err(`Fix the cause above, then run \`aws-runbook down\` again: it resumes where it stopped.${logLine(session.info.logPath)}`);
      return exitCodeForOutcome(outcome);
    } finally {
      release();
      unsubscribe();
    }
  } finally {
    await session.close();
  }
}
