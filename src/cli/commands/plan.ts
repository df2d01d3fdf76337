import { formatPlan } from '../../render/format-plan.js';
import { parseSectionList } from '../../runbook/sections.js';
import { classifyAwsError } from '../../aws/errors.js';
import type { PlannedStep, SectionId } from '../../engine/types.js';
import type { Config } from '../../config/schema.js';
import { predictedPingNotes } from '../../tasks/security.js';
import { designReachabilityModel, predictPingMatrix, verdictText } from '../../tasks/reachability.js';
import { EXIT } from '../exit-codes.js';
import { openSession } from '../open-session.js';
import type { CommandIO } from '../io.js';
import type { GlobalOptions } from '../target.js';

export interface PlanOptions {
  json?: boolean;
  only?: string;
  offline?: boolean;
}

export interface PlanJson {
  project: string;
  region: string;
  live: boolean;
  /** Why the plan was not checked against AWS, when it was not. */
  offlineReason?: string;
  account?: string;
  sections: { id: SectionId; title: string; available: boolean; steps: PlannedStep[] }[];
  /** `monthlyCostUsd` sums the steps whose price is known; `costUnknownSteps` counts those whose price is not (another region's is never used). */
  totals: { create: number; adopt: number; noChange: number; conflict: number; monthlyCostUsd: number; costUnknownSteps: number };
  /** The ping matrix predicted from the designed route tables, peering and security groups. */
  predictedPingMatrix: { from: string; to: string; verdict: string; text: string }[];
}

export function planTotals(steps: readonly PlannedStep[]): PlanJson['totals'] {
  const count = (action: PlannedStep['action']) => steps.filter((step) => step.action === action).length;
  const cost = steps
    .filter((step) => step.action === 'create')
    .reduce((sum, step) => sum + (step.preview.monthlyCostUsd ?? 0), 0);
  return {
    create: count('create'),
    adopt: count('adopt'),
    noChange: count('no-change'),
    conflict: count('conflict'),
    monthlyCostUsd: Math.round(cost * 100) / 100,
    costUnknownSteps: steps.filter((step) => step.action === 'create' && step.preview.costUnknown).length,
  };
}

function predictedMatrix(config: Config): PlanJson['predictedPingMatrix'] {
  return predictPingMatrix(designReachabilityModel(config)).cells.map((cell) => ({
    from: cell.from,
    to: cell.to,
    verdict: cell.verdict.kind,
    text: verdictText(cell.verdict),
  }));
}

/** `plan`: the full preview, no change. Live when AWS answers; from config and state alone otherwise. */
export async function planCommand(global: GlobalOptions, options: PlanOptions, io: CommandIO): Promise<number> {
  const sections = options.only ? parseSectionList(options.only) : undefined;
  const session = await openSession(global, io, 'plan', 'read', undefined, { offline: Boolean(options.offline) });
  try {
    const selected = sections ?? session.sections().map((section) => section.id);
    let live = !options.offline;
    let offlineReason: string | undefined = options.offline ? '--offline' : undefined;
    let account: string | undefined;
    if (live) {
      try {
        account = (await session.loadIdentity()).account;
      } catch (error) {
        const classified = classifyAwsError(error);
        if (classified.kind !== 'auth' && classified.kind !== 'transient') throw error;
        live = false;
        offlineReason = `AWS did not answer (${classified.message}); this plan comes from the config and the state file`;
      }
    }
    const steps = live ? await session.preview(selected) : session.planOffline(selected);
    const json: PlanJson = {
      project: session.info.project,
      region: session.info.region,
      live,
      ...(offlineReason ? { offlineReason } : {}),
      ...(account ? { account } : {}),
      sections: session.sections()
        .filter((section) => selected.includes(section.id))
        .map((section) => ({
          id: section.id,
          title: section.title,
          available: section.available,
          steps: steps.filter((step) => step.section === section.id),
        })),
      totals: planTotals(steps),
      predictedPingMatrix: predictedMatrix(session.config),
    };
    if (options.json) {
      io.out(JSON.stringify(json, null, 2));
    } else {
      if (!live) io.err(`Offline plan: ${offlineReason}.`);
      io.out(formatPlan(steps, { color: io.color }));
      io.out('');
      for (const line of predictedPingNotes(session.config)) io.out(line);
    }
    return EXIT.ok;
  } finally {
    await session.close();
  }
}
