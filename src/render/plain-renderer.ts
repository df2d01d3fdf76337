import type { EngineEvent } from '../engine/events.js';
import { initialRunView, runReducer, type RunView } from '../engine/reducer.js';
import type { PlanAction, SectionId } from '../engine/types.js';
import { shellQuote } from '../aws/cli.js';
import { palette } from './ansi.js';
import { formatDuration, formatErrorLine, formatOutputs } from './format-units.js';

export interface PlainRendererOptions {
  /** Receives one line at a time, without a trailing newline. */
  write: (line: string) => void;
  /** Also print planned steps, step starts and progress lines. */
  verbose?: boolean;
  color?: boolean;
  /**
   * `up`: the verify command to suggest (see verifyCommandLine) as the last line of a run that created
   * or adopted something and ended ok. Unset: no suggestion (`down`, a sandbox that stops with the run).
   */
  suggestVerify?: string;
}

/** What `verify` looks at, in a few words, for the line that suggests it. */
export const VERIFY_SUMMARY = 'checks what was built against the design, read-only: network, security baselines, database, backups, hosts, apps, the ping matrix';

/** `aws-runbook verify` with the flags that chose this run's target (config, state, profile, region, endpoint). */
export function verifyCommandLine(target: { config?: string; state?: string; profile?: string; region?: string; endpointUrl?: string } = {}): string {
  const flags: [string, string | undefined][] = [
    ['--config', target.config],
    ['--state', target.state],
    ['--profile', target.profile],
    ['--region', target.region],
    ['--endpoint-url', target.endpointUrl],
  ];
  return ['aws-runbook verify', ...flags.flatMap(([flag, value]) => (value ? [`${flag} ${shellQuote(value)}`] : []))].join(' ');
}

const PLAN_ACTIONS: PlanAction[] = ['create', 'adopt', 'no-change', 'conflict'];

/**
 * The line renderer for CI, pipes and `--yes` without a TTY: one stable, grep-able line per
 * meaningful event. Stateful (it folds the events with the same reducer as the screens) but no I/O
 * of its own: every line goes through `write`.
 */
export function createPlainRenderer(options: PlainRendererOptions): (event: EngineEvent) => void {
  const { write, verbose = false } = options;
  const p = palette(options.color ?? false);
  let view: RunView = initialRunView;
  let runStart: number | undefined;
  let planCounts: Record<PlanAction, number> = zeroCounts();
  /** A step of this run created or adopted something. */
  let built = false;
  const sectionStart = new Map<SectionId, number>();

  const sectionOf = (stepId: string): string => view.sectionOf[stepId] ?? view.activeSection ?? '-';
  const tag = (stepId: string) => `[${sectionOf(stepId)}]`;

  return (event) => {
    const before = view;
    view = runReducer(view, event);
    switch (event.type) {
      case 'identity': {
        const { account, arn, region, endpoint } = event.identity;
        write(`AWS account ${account} (${arn}) region ${region}${endpoint ? ` endpoint ${endpoint}` : ''}`);
        return;
      }
      case 'plan-started':
        runStart ??= event.at;
        planCounts = zeroCounts();
        if (verbose) write(`plan ${event.sections.join(',')}`);
        return;
      case 'step-planned': {
        const { step } = event;
        planCounts[step.action] += 1;
        if (step.action === 'conflict') {
          write(`[${step.section}] ${p.yellow('!')} ${step.stepId}  conflict: ${step.reason ?? 'differs from what is wanted'}`);
        } else if (verbose) {
          write(`[${step.section}] plan ${step.stepId}  ${step.action}  ${step.preview.summary}`);
        }
        return;
      }
      case 'plan-finished':
        write(`plan ${event.sections.join(',')}: ${PLAN_ACTIONS.map((a) => `${planCounts[a]} ${a}`).join(', ')}`);
        return;
      case 'section-started':
        runStart ??= event.at;
        sectionStart.set(event.section, event.at);
        write(p.bold(`▶ section ${event.section} (${event.mode})`));
        return;
      case 'step-started':
        if (verbose) write(`${tag(event.stepId)} ▸ ${event.stepId}  ${event.action}`);
        return;
      case 'step-progress':
        if (verbose) write(`${tag(event.stepId)}   ${event.stepId}  ${event.message}`);
        return;
      case 'step-done': {
        const status = view.steps[event.stepId];
        const elapsed = status?.kind === 'done' ? formatDuration(status.elapsedMs) : '';
        const outputs = formatOutputs(event.outputs);
        if (event.action === 'create' || event.action === 'adopt') built = true;
        const parts = [`${tag(event.stepId)} ${p.green('✓')} ${event.stepId}`, event.action, elapsed];
        if (outputs) parts.push(outputs);
        write(parts.filter((part) => part !== '').join('  '));
        return;
      }
      case 'step-failed':
        write(
          `${tag(event.stepId)} ${p.red('✗')} ${event.stepId}  ${formatErrorLine(event.error)} — hint: ${event.error.hint}`,
        );
        return;
      case 'step-skipped':
        write(`${tag(event.stepId)} - ${event.stepId}  skipped: ${event.reason}`);
        return;
      case 'section-finished': {
        const started = sectionStart.get(event.section);
        const took = started === undefined ? '' : ` in ${formatDuration(event.at - started)}`;
        write(`■ section ${event.section} ${paintOutcome(event.outcome)}${took}`);
        return;
      }
      case 'run-finished': {
        const started = runStart ?? before.startedAt ?? event.at;
        write(`run ${paintOutcome(event.outcome)} in ${formatDuration(event.at - started)}`);
        if (event.outcome === 'ok' && built && options.suggestVerify) write(`next: ${p.bold(options.suggestVerify)} — ${VERIFY_SUMMARY}`);
        runStart = undefined;
        built = false;
        sectionStart.clear();
        return;
      }
      case 'notice':
        write(event.level === 'warn' ? `${p.yellow('warning:')} ${event.message}` : `note: ${event.message}`);
        return;
    }
  };

  function paintOutcome(outcome: string): string {
    if (outcome === 'ok') return p.green(outcome);
    if (outcome === 'failed') return p.red(outcome);
    return p.yellow(outcome);
  }
}

function zeroCounts(): Record<PlanAction, number> {
  return { create: 0, adopt: 0, 'no-change': 0, conflict: 0 };
}
