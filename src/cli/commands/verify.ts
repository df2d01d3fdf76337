import { formatCheckLine, formatChecklist } from '../../render/format-checklist.js';
import { CHECK_GROUPS, isCheckGroup, type CheckGroup } from '../../tasks/checks/types.js';
import type { VerifyReportJson } from '../../tasks/checks/report-schema.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { onInterrupt, openSession } from '../open-session.js';
import type { CommandIO } from '../io.js';
import type { GlobalOptions } from '../target.js';

export interface VerifyOptions {
  json?: boolean;
  only?: string;
}

/** `--only network,security`: check groups; an unknown one is a usage error naming the valid ones. */
export function parseCheckGroups(only: string): CheckGroup[] {
  const ids = only.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) throw new UsageError(`verify --only needs at least one check group (${CHECK_GROUPS.join(', ')})`);
  const unknown = ids.filter((id) => !isCheckGroup(id));
  if (unknown.length > 0) {
    throw new UsageError(`verify --only: unknown check group ${unknown.map((u) => `"${u}"`).join(', ')}; the groups are ${CHECK_GROUPS.join(', ')}`);
  }
  return [...new Set(ids)] as CheckGroup[];
}

/**
 * `verify`: the checklist against live AWS and the hosts (docs/design.md#verification-checklist). Read-only, takes no lock.
 * Exit 0 when no required check fails, 1 otherwise.
 */
export async function verifyCommand(global: GlobalOptions, options: VerifyOptions, io: CommandIO): Promise<number> {
  const groups = options.only !== undefined ? parseCheckGroups(options.only) : [];
  const session = await openSession(global, io, 'verify', 'read');
  let interrupted = false;
  const stopListening = onInterrupt(() => {
    interrupted = true;
    session.abort();
  }, io);
  try {
    const identity = await session.loadIdentity();
    if (!options.json) io.out(`Checking ${session.info.project} in ${session.info.region} (account ${identity.account})${groups.length ? `: ${groups.join(', ')}` : ''}…`);
    const unsubscribe = global.verbose && !options.json
      ? session.subscribe((event) => {
          if (event.type === 'check-finished') io.out(`  ${formatCheckLine(event.outcome, io.color)}`);
        })
      : () => undefined;
    const report = await session.verify({ groups });
    unsubscribe();
    if (options.json) {
      const json: VerifyReportJson = {
        version: 1,
        project: session.info.project,
        region: session.info.region,
        account: identity.account,
        ...(session.info.endpoint ? { endpoint: session.info.endpoint } : {}),
        ...report,
      };
      io.out(JSON.stringify(json, null, 2));
    } else {
      io.out(formatChecklist(report, { color: io.color, verbose: Boolean(global.verbose) }));
    }
    if (interrupted) return EXIT.interrupted;
    return report.ok ? EXIT.ok : EXIT.failed;
  } finally {
    stopListening();
    await session.close();
  }
}
