import { CHECK_GROUP_TITLES, CHECK_GROUPS, type CheckOutcome, type CheckStatus } from '../tasks/checks/types.js';
import type { CheckReport } from '../tasks/checks/run-checks.js';
import { palette } from './ansi.js';

/** The one-character mark of a status, in the plain renderer and the TUI alike. */
export const CHECK_MARKS: Record<CheckStatus, string> = { pass: '✓', fail: '✗', warn: '!', skip: '–' };

/** One finished check as a line (`--verbose` prints these as checks finish). */
export function formatCheckLine(outcome: CheckOutcome, color = false): string {
  const p = palette(color);
  const paint = { pass: p.green, fail: p.red, warn: p.yellow, skip: p.dim }[outcome.status];
  const optional = outcome.required ? '' : p.dim(' (optional)');
  return `${paint(CHECK_MARKS[outcome.status])} ${outcome.title}${optional}  ${p.dim(outcome.id)}`;
}

/** The grouped checklist: each check, its evidence, and for failures and warnings the details and the fix. */
export function formatChecklist(report: CheckReport, options: { color?: boolean; verbose?: boolean } = {}): string {
  const p = palette(options.color ?? false);
  const lines: string[] = [];
  for (const group of CHECK_GROUPS) {
    const outcomes = report.checks.filter((o) => o.group === group);
    if (outcomes.length === 0) continue;
    lines.push(p.bold(CHECK_GROUP_TITLES[group]));
    for (const o of outcomes) {
      lines.push(`  ${formatCheckLine(o, options.color)}`);
      lines.push(`      ${o.evidence}`);
      const explain = o.status === 'fail' || o.status === 'warn' || options.verbose;
      if (explain) for (const d of o.details ?? []) lines.push(`      ${p.dim(d)}`);
      if (o.hint && o.status !== 'pass') lines.push(`      ${p.cyan('fix:')} ${o.hint}`);
    }
  }
  const { pass, fail, warn, skip } = report.counts;
  const verdict = report.ok ? p.green('every required check holds') : p.red(`${fail} check${fail === 1 ? '' : 's'} failed`);
  lines.push('', `${pass} passed, ${fail} failed, ${warn} warning${warn === 1 ? '' : 's'}, ${skip} skipped — ${verdict}`);
  return lines.join('\n');
}
