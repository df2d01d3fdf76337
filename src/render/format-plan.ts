import type { ResumeInfo, SectionSummary } from '../app/controller.js';
import type { PlanAction, PlannedStep, SectionId } from '../engine/types.js';
import { palette, type Palette } from './ansi.js';
import { formatErrorLine, formatOutputs, formatUsd, addedMonthlyCost } from './format-units.js';

export interface TextFormatOptions {
  color?: boolean;
}

const PLAN_ACTIONS: PlanAction[] = ['create', 'adopt', 'no-change', 'conflict'];
const ACTION_WIDTH = 10;
const DETAIL = '      ';

function paintAction(p: Palette, action: PlanAction): string {
  const padded = action.padEnd(ACTION_WIDTH);
  switch (action) {
    case 'create':
      return p.green(padded);
    case 'adopt':
      return p.cyan(padded);
    case 'no-change':
      return p.dim(padded);
    case 'conflict':
      return p.red(padded);
  }
}

function groupBySection<T extends { section: SectionId }>(items: readonly T[]): [SectionId, T[]][] {
  const groups = new Map<SectionId, T[]>();
  for (const item of items) {
    const group = groups.get(item.section) ?? [];
    group.push(item);
    groups.set(item.section, group);
  }
  return [...groups.entries()];
}

/**
 * The `plan` command's text: steps grouped by section (in the order given), per step the action,
 * title, summary, the equivalent `aws` CLI lines, notes and cost; then one footer line with the
 * count per action and what the creates add to the monthly bill. Pure.
 */
export function formatPlan(steps: PlannedStep[], options: TextFormatOptions = {}): string {
  const p = palette(options.color ?? false);
  const lines: string[] = [];
  if (steps.length === 0) lines.push('nothing to plan', '');
  for (const [section, group] of groupBySection(steps)) {
    lines.push(p.bold(`${section} (${group.length} ${group.length === 1 ? 'step' : 'steps'})`));
    for (const step of group) {
      lines.push(`  ${paintAction(p, step.action)} ${step.stepId} — ${step.title}`);
      lines.push(`${DETAIL}${step.preview.summary}`);
      if (step.action === 'conflict') lines.push(`${DETAIL}${p.red('conflict:')} ${step.reason ?? 'differs from what is wanted'}`);
      for (const cli of step.preview.cli) lines.push(`${DETAIL}${p.dim(`$ ${cli}`)}`);
      for (const note of step.preview.notes ?? []) lines.push(`${DETAIL}note: ${note}`);
      if (step.preview.monthlyCostUsd !== undefined) {
        lines.push(`${DETAIL}cost: ${formatUsd(step.preview.monthlyCostUsd)}/month`);
      }
    }
    lines.push('');
  }
  const counts = PLAN_ACTIONS.map((action) => `${steps.filter((s) => s.action === action).length} ${action}`);
  const cost = addedMonthlyCost(steps) ?? 0;
  const unknown = steps.filter((s) => s.action === 'create' && s.preview.costUnknown).length;
  lines.push(`plan: ${counts.join(', ')}; adds ${formatUsd(cost)}/month${unknown > 0 ? ` plus what ${unknown} ${unknown === 1 ? 'step' : 'steps'} cost (no price known in this region)` : ''}`);
  return lines.join('\n');
}

export interface StatusStepRow {
  stepId: string;
  title: string;
  section: SectionId;
  status: string;
  outputs?: Record<string, string>;
  error?: string;
  at?: string;
}

export interface StatusInput {
  sections: SectionSummary[];
  steps: StatusStepRow[];
  resume?: ResumeInfo;
  /** The run holding the state's lock while it runs: not interrupted, so there is nothing to resume. */
  running?: { pid: number; host: string; command: string; since: string };
}

const RECORDED_LABEL: Record<SectionSummary['recorded'], string> = {
  done: '✓ done',
  failed: '✗ failed',
  partial: '◐ partial',
  stopped: '■ stopped',
  'not-started': '· not started',
};

const STEP_ICON: Record<string, string> = { done: '✓', failed: '✗', running: '◐', pending: '·', 'not started': '·' };

function paintIcon(p: Palette, icon: string): string {
  if (icon.startsWith('✓')) return p.green(icon);
  if (icon.startsWith('✗')) return p.red(icon);
  if (icon.startsWith('◐')) return p.yellow(icon);
  return icon;
}

/** The `status` command's text: per section what the state says, its steps, and the unfinished run. Pure. */
export function formatStatus(input: StatusInput, options: TextFormatOptions = {}): string {
  const p = palette(options.color ?? false);
  const lines: string[] = [];
  const width = Math.max(8, ...input.sections.map((s) => s.id.length)) + 2;
  for (const section of input.sections) {
    const name = p.bold(section.id.padEnd(width));
    if (!section.available) {
      lines.push(`${name}${p.dim(section.unavailable ?? 'coming later')}`);
      continue;
    }
    const count = `${section.stepIds.length} ${section.stepIds.length === 1 ? 'step' : 'steps'}`;
    lines.push(`${name}${paintIcon(p, RECORDED_LABEL[section.recorded].padEnd(15))}${count}`);
    for (const step of input.steps.filter((s) => s.section === section.id)) {
      const icon = paintIcon(p, STEP_ICON[step.status] ?? '?');
      const parts = [`  ${icon} ${step.stepId}`, step.title];
      if (step.status !== 'done' && step.status !== 'failed') parts.push(step.status);
      const outputs = formatOutputs(step.outputs);
      if (outputs) parts.push(outputs);
      if (step.error) parts.push(`error: ${step.error}`);
      if (step.at) parts.push(`(${step.at})`);
      lines.push(parts.join('  '));
    }
  }
  lines.push('');
  const { running } = input;
  if (running) {
    lines.push(`${p.yellow('running now:')} \`${running.command}\` (pid ${running.pid}, host ${running.host}, since ${running.since})`, '');
  } else {
    lines.push(...formatResume(input.resume, p));
  }
  const available = input.sections.filter((s) => s.available);
  const done = available.filter((s) => s.recorded === 'done').length;
  const next = running
    ? 'wait for the running `' + running.command + '` to finish'
    : input.resume
    ? `aws-runbook ${input.resume.command}`
    : done === available.length
      ? 'aws-runbook verify'
      : 'aws-runbook up';
  lines.push(`${done}/${available.length} sections done; next: ${next}`);
  return lines.join('\n');
}

function formatResume(resume: ResumeInfo | undefined, p: Palette): string[] {
  if (!resume) return [];
  const where = resume.stepId ? ` at ${resume.stepTitle ?? resume.stepId} (${resume.stepId})` : '';
  const lines = [`${p.yellow('last run:')} ${resume.command} started ${resume.startedAt} — ${resume.outcome}${where}`];
  if (resume.error) {
    lines.push(`  ${formatErrorLine(resume.error)}`, `  hint: ${resume.error.hint}`);
  }
  if (resume.pendingOperation) lines.push(`  pending operation: ${resume.pendingOperation}`);
  lines.push(`  resume with: aws-runbook ${resume.command}`, '');
  return lines;
}
