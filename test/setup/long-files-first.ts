import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The order test files start in: the longest first, so that the two workers finish together instead of
 * one of them starting the lab journey when the other is nearly done (longest-processing-time-first).
 * Vitest orders by the durations it cached on an earlier run; a fresh clone (CI) has no cache, and
 * vitest's fallback (file size) put the 100-second journey last. So: a file's cached duration when there
 * is one, else its typical duration below, else 0 (then the larger file first, as vitest does).
 *
 * TYPICAL_MS: files that take over ~5 s on 2 cores (`npx vitest run --reporter=json` gives the figures);
 * a rough figure is enough: only the order matters. Nothing here is asserted.
 */
export const TYPICAL_MS: Readonly<Record<string, number>> = {
  'test/lab/journey.test.ts': 95_000,
  'test/cli/usage.test.ts': 75_000,
  'test/cli/terminal.test.ts': 55_000, // its two walks side by side
  'test/cli/full-up.test.ts': 100_000,
  'test/cli/interrupt.test.ts': 33_000,
  'test/cli/faults.test.ts': 28_000,
  'test/cli/bad-input.test.ts': 28_000,
  'test/cli/crash-resume.test.ts': 32_000,
  'test/tasks/security.test.ts': 22_000,
  'test/screens/app-real-session.test.tsx': 22_000,
  'test/screens/rehearsal-walk.test.tsx': 20_000,
  'test/cli/up-network.test.ts': 18_000,
  'test/lab/lab.test.ts': 17_000,
  'test/screens/fit.test.tsx': 14_000,
  'test/tasks/database.test.ts': 12_000,
  'test/tasks/backup/iam-steps.test.ts': 11_000,
  'test/cli/restore.test.ts': 9_000,
  'test/cli/map.test.ts': 8_000,
  'test/cli/signals.test.ts': 8_000,
  'test/cli/verify.test.ts': 8_000,
  'test/tasks/nat.test.ts': 6_000,
  'test/tasks/compute.test.ts': 6_000,
  'test/tasks/network.test.ts': 5_000,
};

export class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const bySize = await super.sort(files);
    const weight = (file: TestSpecification): number => {
      const path = relative(this.ctx.config.root, file.moduleId).replaceAll('\\', '/');
      const cached = this.ctx.cache.getFileTestResults(`${file.project.name}:${path}`);
      return cached?.duration ?? TYPICAL_MS[path] ?? 0;
    };
    // A stable sort: files of equal weight keep vitest's order (the larger first).
    return bySize.map((file) => ({ file, weight: weight(file) })).sort((a, b) => b.weight - a.weight).map(({ file }) => file);
  }
}
