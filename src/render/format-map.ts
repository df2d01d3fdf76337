import type { Presence, TopologyPing, TopologyView } from '../tasks/topology/view.js';
import { palette, type Palette } from './ansi.js';

/**
 * The topology drawn as text lines that fit `width` columns (80 by default): each VPC with its subnets,
 * the hosts in them with their private and public addresses, the gateways and the database, then the
 * peerings and the ping matrix between the VPCs. What exists, what is planned and what is missing read
 * from one mark each (●, ○, ✗) and, with colour, green, dim and red. `aws-runbook map` prints these lines;
 * the assistant's Map screen shows the same ones.
 */

const MARK: Record<Presence, string> = { exists: '●', planned: '○', missing: '✗' };

/** Cuts a line to `width` characters with an ellipsis (addresses and names come first, so nothing that matters is lost). */
export function fitLine(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

function mark(p: Palette, presence: Presence): string {
  const symbol = MARK[presence];
  return presence === 'exists' ? p.green(symbol) : presence === 'missing' ? p.red(symbol) : p.dim(symbol);
}

const PING_TEXT: Record<TopologyPing['kind'], string> = { ok: 'ok', 'blocked-by-sg': 'blocked (SG)', 'no-route': 'no route', mixed: 'mixed' };

function pingCell(p: Palette, kind: TopologyPing['kind'] | undefined, width: number): string {
  const text = fitLine(kind ? PING_TEXT[kind] : '·', width - 1).padEnd(width);
  return kind === 'ok' ? p.green(text) : kind === undefined ? p.dim(text) : kind === 'mixed' ? p.yellow(text) : p.red(text);
}

export function formatMap(view: TopologyView, options: { width?: number; color?: boolean } = {}): string[] {
  const width = Math.max(40, options.width ?? 80);
  const p = palette(options.color ?? false);
  // Marks are one private-use character each while a line is measured and cut, then painted: colours add no width.
  const PLACEHOLDER: Record<Presence, string> = { exists: '\uE000', planned: '\uE001', missing: '\uE002' };
  const m = (presence: Presence) => PLACEHOLDER[presence];
  const fitMarked = (text: string) =>
    fitLine(text, width).replace(/[\uE000-\uE002]/g, (c) => mark(p, (Object.keys(PLACEHOLDER) as Presence[]).find((k) => PLACEHOLDER[k] === c) ?? 'planned'));
  const lines: string[] = [];
  const push = (text: string, paint: (fitted: string) => string = (t) => t) => lines.push(paint(fitLine(text, width)));

  push(`Topology of ${view.project} in ${view.region}`, p.bold);
  push(view.source === 'live' ? 'live from AWS' : `from the config and the state file (${view.why ?? 'offline'})`);
  push(`${MARK.exists} exists  ${MARK.planned} planned  ${MARK.missing} recorded, but gone`, p.dim);
  const nameWidth = Math.min(28, Math.max(0, ...view.vpcs.flatMap((v) => v.subnets.flatMap((s) => s.hosts.map((h) => h.name.length)))));
  for (const vpc of view.vpcs) {
    lines.push('');
    lines.push(fitMarked(`${vpc.label.padEnd(5)} ${vpc.name} ${vpc.cidr} ${m(vpc.presence)}   internet gateway ${m(vpc.internetGateway)}`));
    for (const subnet of vpc.subnets) {
      const extras = subnet.extras.map((e) => `   ${m(e.presence)} ${e.label}`).join('');
      lines.push(fitMarked(`  ${subnet.kind.padEnd(7)} ${subnet.cidr.padEnd(14)} (${subnet.az}) ${m(subnet.presence)}${extras}`));
      for (const host of subnet.hosts) {
        const addresses = `${(host.privateIp ?? '-').padEnd(15)} ${(host.publicIp ?? (subnet.kind === 'public' ? '-' : '')).padEnd(15)}`;
        lines.push(fitMarked(`    ${m(host.presence)} ${host.name.padEnd(nameWidth)} ${addresses} ${host.role}`));
      }
    }
  }
  lines.push('');
  const label = (key: string) => view.vpcs.find((v) => v.key === key)?.label ?? key;
  for (const peering of view.peerings) lines.push(fitMarked(`peering  ${label(peering.between[0])} ⇄ ${label(peering.between[1])}  ${peering.name} ${m(peering.presence)}`));
  push('peering  MVP ⇹ IA  none (peering is not transitive)', p.dim);

  lines.push('');
  const keys = view.vpcs.map((v) => v.key);
  // 14 columns a cell ("blocked (SG)" and room), narrower when the terminal is.
  const column = Math.max(9, Math.min(14, Math.floor((width - 9) / Math.max(1, keys.length))));
  push(`ping (row → column), ${view.matrixFrom === 'live' ? 'predicted from the live route tables and groups' : 'predicted from the design'}`, p.bold);
  push(`  ${''.padEnd(7)}${keys.map((k) => label(k).padEnd(column)).join('')}`.trimEnd());
  for (const from of keys) {
    const cells = keys.map((to) => (from === to ? pingCell(p, undefined, column) : pingCell(p, view.matrix.find((c) => c.from === from && c.to === to)?.kind, column)));
    lines.push(`  ${label(from).padEnd(7)}${cells.join('')}`.trimEnd());
  }
  return lines;
}
