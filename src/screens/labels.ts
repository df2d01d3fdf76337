import type { SectionSummary } from '../app/controller.js';
import type { RunOutcome } from '../engine/events.js';
import type { PlanAction } from '../engine/types.js';

export const PRODUCT = 'aws-runbook';

export const SECTION_ICON: Record<SectionSummary['recorded'], { icon: string; color: string; label: string }> = {
  done: { icon: '✓', color: 'green', label: 'done' },
  failed: { icon: '✗', color: 'red', label: 'failed' },
  partial: { icon: '◐', color: 'yellow', label: 'partial' },
  stopped: { icon: '■', color: 'yellow', label: 'stopped' },
  'not-started': { icon: '·', color: 'gray', label: 'not started' },
};

export const ACTION_COLOR: Record<PlanAction | 'destroy', string> = {
  create: 'green',
  adopt: 'cyan',
  'no-change': 'gray',
  conflict: 'red',
  destroy: 'magenta',
};

/** 0 ok, 1 failed or declined, 130 aborted (as a shell reports Ctrl-C). */
export function exitCodeFor(outcome: RunOutcome | undefined): number {
  switch (outcome) {
    case undefined:
    case 'ok':
      return 0;
    case 'aborted':
      return 130;
    case 'failed':
    case 'declined':
      return 1;
  }
}

/** The first available section that is not done, if any. */
export function nextSection(sections: SectionSummary[]): SectionSummary | undefined {
  return sections.find((s) => s.available && s.recorded !== 'done');
}

export function allAvailableDone(sections: SectionSummary[]): boolean {
  return sections.some((s) => s.available) && nextSection(sections) === undefined;
}

/** What every `--sandbox` run says first: AWS is emulated, and the hosts are simulated in this process. */
export const SANDBOX_LINE = 'SANDBOX — nothing real is created; hosts are simulated in this process';
