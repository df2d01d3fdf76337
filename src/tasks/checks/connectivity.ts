import pLimit, { type LimitFunction } from 'p-limit';
import type { Config, VpcKey } from '../../config/schema.js';
import type { HostName } from '../../engine/types.js';
import { HOST_NAMES } from '../hosts/names.js';
import { VPC_LABELS } from '../network/names.js';
import { formatPingMatrix, verdictText, vpcPairVerdicts } from '../reachability/format.js';
import type { PingCell } from '../reachability/model.js';
import type { LiveInventory } from './inventory.js';
import { cellKey, designMatrix, kindText, liveMatrix, predictionBasis, type LiveMatrix } from './live-matrix.js';
import { connectHost } from './on-host.js';
import { outcomeText, pingFromHost, type PingOutcome } from './ping.js';
import { fail, pass, type Check, type CheckContext, type CheckResult } from './types.js';

/**
 * The connectivity group (docs/design.md#verification-checklist): per ordered pair of VPCs, pings run over SSH from each host of
 * one VPC to each host of the other, side by side with the verdict predicted from the LIVE route tables
 * and security groups and with the design's. A ping that disagrees with the prediction fails with both
 * shown and what the prediction rests on. One more check compares the live prediction with the design
 * without SSH, so a plain --sandbox run checks the matrix too.
 */

/** Pings in flight at once in one verify run (each is a session on a pooled connection). */
export const PING_CONCURRENCY = 6;

const limiters = new WeakMap<LiveInventory, LimitFunction>();
function pingLimit(ctx: CheckContext): LimitFunction {
  let limit = limiters.get(ctx.live);
  if (!limit) {
    limit = pLimit(PING_CONCURRENCY);
    limiters.set(ctx.live, limit);
  }
  return limit;
}

export const pairCheckId = (from: string, to: string) => `connectivity.${from}-to-${to}`;
export const PREDICTION_CHECK_ID = 'connectivity.predicted-matches-design';

const label = (vpc: string) => VPC_LABELS[vpc as VpcKey] ?? vpc;
const isHostName = (name: string): name is HostName => (HOST_NAMES as readonly string[]).includes(name);

/** How a ping went, in one or two words for the evidence line. */
function pingWord(outcome: PingOutcome): string {
  return { answered: 'ok', unreachable: 'no route', 'no-answer': 'no answer', error: 'not run' }[outcome.kind];
}

/** "ok" when all agree, else "mixed: 1 no answer, 1 ok" (in the order first seen). */
function summary(words: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  if (counts.size <= 1) return words[0] ?? 'nothing';
  return `mixed: ${[...counts].map(([word, n]) => `${n} ${word}`).join(', ')}`;
}

export interface PingedCell {
  cell: PingCell;
  outcome: PingOutcome;
  design: PingCell['verdict']['kind'] | undefined;
}

async function pingCells(ctx: CheckContext, live: LiveMatrix, cells: readonly PingCell[]): Promise<PingOutcome[]> {
  const limit = pingLimit(ctx);
  const sources = [...new Set(cells.map((c) => c.from))];
  const connections = new Map(await Promise.all(sources.map(async (source) => [source, isHostName(source) ? await connectHost(ctx, source) : undefined] as const)));
  return Promise.all(
    cells.map(async (cell): Promise<PingOutcome> => {
      const reached = connections.get(cell.from);
      const target = live.model.hosts.find((h) => h.name === cell.to)?.ip;
      if (!reached) return { kind: 'error', detail: `${cell.from} is not a host of the runbook` };
      if (reached.result) return { kind: 'error', detail: reached.result.evidence };
      if (!target) return { kind: 'error', detail: `${cell.to} has no private address` };
      return limit(() => pingFromHost(reached.connection, target, ctx.signal));
    }),
  );
}

function cellLine(live: LiveMatrix, p: PingedCell): string {
  const ip = (name: string) => live.model.hosts.find((h) => h.name === name)?.ip ?? '?';
  return `${p.cell.from} (${ip(p.cell.from)}) → ${p.cell.to} (${ip(p.cell.to)}): ping ${outcomeText(p.outcome)} / predicted ${verdictText(p.cell.verdict)} / design ${p.design ? kindText(p.design) : 'no such pair'}`;
}

/** The verdict on one VPC pair's pinged cells. Pure. */
export function pairVerdict(live: LiveMatrix, from: string, to: string, pinged: readonly PingedCell[]): CheckResult {
  const evidence = [
    `ping: ${summary(pinged.map((p) => pingWord(p.outcome)))}`,
    `predicted: ${summary(pinged.map((p) => kindText(p.cell.verdict.kind)))}`,
    `design: ${summary(pinged.map((p) => (p.design ? kindText(p.design) : 'none')))}`,
  ].join(' / ');
  const details = pinged.map((p) => cellLine(live, p));
  const basis = (p: PingedCell) => predictionBasis(live.model, p.cell).join('; ') || 'nothing the model could name';

  const disagreeing = pinged.find((p) => p.outcome.kind !== 'error' && (p.outcome.kind === 'answered') !== (p.cell.verdict.kind === 'ok'));
  if (disagreeing) {
    const answered = disagreeing.outcome.kind === 'answered';
    return fail(
      `${evidence} — the ping disagrees with the prediction (${disagreeing.cell.from} → ${disagreeing.cell.to})`,
      `the prediction rests on ${basis(disagreeing)}; ` +
        (answered
          ? 'yet the ping was answered: a path the route tables and security groups do not show (a transit gateway, a VPN, a rule changed since) carries it'
          : 'yet the ping was not answered: look beyond route tables and security groups (a host firewall, a network ACL, the target host down)'),
      details,
    );
  }
  const unrun = pinged.find((p) => p.outcome.kind === 'error');
  if (unrun) return fail(`${evidence} — ${unrun.cell.from} → ${unrun.cell.to} could not be pinged: ${outcomeText(unrun.outcome)}`, 'fix the hosts checks first (SSH, ping installed), then rerun', details);
  const offDesign = pinged.find((p) => p.design !== undefined && p.cell.verdict.kind !== p.design);
  if (offDesign) {
    const wanted = offDesign.design === 'ok';
    return fail(
      `${evidence} — not the design's (${label(from)} → ${label(to)}: ${kindText(offDesign.design ?? 'ok')})`,
      wanted
        ? `${basis(offDesign)}: \`aws-runbook up --only peering,security\` puts back the routes and rules of the design`
        : `more is open than designed; what lets it through: ${basis(offDesign)} — remove that route or rule`,
      details,
    );
  }
  return pass(evidence, details);
}

function pairCheck(config: Config, from: string, to: string, designKind: string): Check {
  return {
    id: pairCheckId(from, to),
    group: 'connectivity',
    title: `${label(from)} → ${label(to)}: ping ${designKind}, as predicted from the live route tables and security groups`,
    needsHosts: true,
    async run(ctx) {
      const live = await liveMatrix(ctx);
      const design = new Map(designMatrix(config).cells.map((c) => [cellKey(c), c.verdict.kind]));
      const cells = live.predicted.cells.filter((c) => c.fromVpc === from && c.toVpc === to);
      if (cells.length === 0) {
        return fail(
          `no live instance pair from ${label(from)} to ${label(to)} (live hosts: ${live.model.hosts.map((h) => h.name).join(', ') || 'none'})`,
          '`aws-runbook up --only compute` launches the missing instances',
        );
      }
      const outcomes = await pingCells(ctx, live, cells);
      return pairVerdict(
        live,
        from,
        to,
        cells.map((cell, i) => ({ cell, outcome: outcomes[i] as PingOutcome, design: design.get(cellKey(cell)) })),
      );
    },
  };
}

/** The verdict of the live prediction against the design, host pair by host pair. Pure. */
export function predictionVerdict(live: LiveMatrix, design: readonly PingCell[]): CheckResult {
  const predicted = new Map(live.predicted.cells.map((c) => [cellKey(c), c]));
  const missing = design.filter((c) => !predicted.has(cellKey(c)));
  const differing = design.flatMap((c) => {
    const now = predicted.get(cellKey(c));
    return now && now.verdict.kind !== c.verdict.kind ? [{ design: c, now }] : [];
  });
  const lines = differing.map(({ design: d, now }) => `${cellKey(d)}: predicted ${verdictText(now.verdict)}; design ${kindText(d.verdict.kind)} — rests on ${predictionBasis(live.model, now).join('; ')}`);
  if (differing.length > 0) {
    const first = differing[0] as (typeof differing)[number];
    return fail(
      `${differing.length} of ${design.length} host pairs differ from the design: ${differing.map(({ design: d, now }) => `${cellKey(d)} ${kindText(now.verdict.kind)} (design ${kindText(d.verdict.kind)})`).join(', ')}`,
      first.design.verdict.kind === 'ok'
        ? `${verdictText(first.now.verdict)}: \`aws-runbook up --only peering,security\` puts back the routes and rules of the design`
        : `more is open than designed (${predictionBasis(live.model, first.now).join('; ')}): remove that route or rule`,
      lines,
    );
  }
  if (missing.length > 0) {
    return fail(`no prediction for ${missing.map(cellKey).join(', ')}: an instance is missing`, '`aws-runbook up --only compute` launches the missing instances', formatPingMatrix(live.predicted));
  }
  return pass(`the live route tables and security groups give the design's matrix (${design.length} host pairs)`, formatPingMatrix(live.predicted));
}

function predictionCheck(config: Config): Check {
  return {
    id: PREDICTION_CHECK_ID,
    group: 'connectivity',
    title: 'The ping matrix predicted from the live route tables and security groups is the design\'s',
    async run(ctx) {
      return predictionVerdict(await liveMatrix(ctx), designMatrix(config).cells);
    },
  };
}

export function connectivityChecks(config: Config): Check[] {
  const pairs = vpcPairVerdicts(designMatrix(config)).filter((p) => p.fromVpc !== p.toVpc);
  return [predictionCheck(config), ...pairs.map((p) => pairCheck(config, p.fromVpc, p.toVpc, p.kind === 'mixed' ? 'as designed' : kindText(p.kind)))];
}
