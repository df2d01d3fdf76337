import { allTexts, buildXmlAnswer, isNode, parseXmlAnswer, textOf, xmlObjects, type XmlNode } from './xml-answer.js';

/**
 * The readiness model: real AWS answers a create at once, but the resource stays pending/creating for
 * a while; moto makes everything ready instantly. The gateway remembers when each resource was made
 * (from the create answers it forwards) and, while the resource is younger than its modelled ready
 * time × the latency scale, shows the not-ready state in answers that carry it.
 */

/** Orders of magnitude of real AWS, at scale 1: how long after the create the resource is ready. */
export const READY_AFTER_MS = {
  /** An EC2 instance: `pending` → `running`. */
  instance: 30_000,
  /** A NAT gateway: `pending` → `available`. */
  natGateway: 120_000,
  /** An RDS instance (Multi-AZ): `creating` → `available`. */
  dbInstance: 900_000,
  /** A VPC peering connection, from its acceptance: `provisioning` → `active`. */
  vpcPeering: 5_000,
} as const;

export type ReadinessKind = keyof typeof READY_AFTER_MS;

interface KindRule {
  /** The element naming the resource in answers. */
  idElement: string;
  /** Actions whose successful answer starts the resource's clock (every id of `idElement` in it). */
  startedBy: string;
  /** Actions whose answers show the state. */
  shownBy: readonly string[];
  /** Puts the not-ready state on an element describing the resource; true when it changed something. */
  showNotReady(node: XmlNode): boolean;
}

const RULES: Record<ReadinessKind, KindRule> = {
  instance: {
    idElement: 'instanceId',
    startedBy: 'RunInstances',
    shownBy: ['RunInstances', 'DescribeInstances'],
    showNotReady(node) {
      const state = node.instanceState;
      if (!isNode(state) || textOf(state, 'name') !== 'running') return false;
      node.instanceState = { ...state, code: '0', name: 'pending' };
      return true;
    },
  },
  natGateway: {
    idElement: 'natGatewayId',
    startedBy: 'CreateNatGateway',
    shownBy: ['CreateNatGateway', 'DescribeNatGateways'],
    showNotReady: (node) => replaceText(node, 'state', 'available', 'pending'),
  },
  dbInstance: {
    idElement: 'DBInstanceIdentifier',
    startedBy: 'CreateDBInstance',
    shownBy: ['CreateDBInstance', 'DescribeDBInstances'],
    showNotReady: (node) => replaceText(node, 'DBInstanceStatus', 'available', 'creating'),
  },
  vpcPeering: {
    idElement: 'vpcPeeringConnectionId',
    startedBy: 'AcceptVpcPeeringConnection',
    shownBy: ['AcceptVpcPeeringConnection', 'DescribeVpcPeeringConnections'],
    showNotReady(node) {
      const status = node.status;
      if (!isNode(status) || textOf(status, 'code') !== 'active') return false;
      node.status = { ...status, code: 'provisioning', message: 'Provisioning' };
      return true;
    },
  },
};

function replaceText(node: XmlNode, key: string, from: string, to: string): boolean {
  if (textOf(node, key) !== from) return false;
  node[key] = to;
  return true;
}

const KINDS = Object.keys(RULES) as ReadinessKind[];
const STARTERS = new Map(KINDS.map((kind) => [RULES[kind].startedBy, kind]));
const SHOWN_BY = new Map<string, ReadinessKind>(KINDS.flatMap((kind) => RULES[kind].shownBy.map((action) => [action, kind] as const)));

export class ReadinessModel {
  /** `kind:id` → epoch ms of the create (or acceptance) answer. */
  private readonly startedAt = new Map<string, number>();
  private readyAfterMs: Record<ReadinessKind, number> = { ...READY_AFTER_MS };

  /** Ready times at scale 1, over READY_AFTER_MS (tests use short ones). */
  setReadyAfter(overrides: Partial<Record<ReadinessKind, number>> = {}): void {
    this.readyAfterMs = { ...READY_AFTER_MS, ...overrides };
  }

  /** Whether this action's answer starts a clock or may show a state: the gateway then keeps its body. */
  concerns(action: string): boolean {
    return STARTERS.has(action) || SHOWN_BY.has(action);
  }

  /** Remember the creation time of what a successful create answer names. Unparsable answers are ignored. */
  observe(action: string, answer: string, now: number): void {
    const kind = STARTERS.get(action);
    if (!kind) return;
    const tree = parseXmlAnswer(answer);
    if (!tree) return;
    for (const id of allTexts(tree, RULES[kind].idElement)) this.startedAt.set(`${kind}:${id}`, now);
  }

  /**
   * The answer with not-ready states for resources younger than their ready time × scale, or
   * undefined when nothing changes (scale 0, another action, nothing young, or not parsable XML).
   */
  rewrite(action: string, answer: string, now: number, scale: number): string | undefined {
    const kind = SHOWN_BY.get(action);
    if (!kind || !(scale > 0) || !this.anyYoung(kind, now, scale)) return undefined;
    const tree = parseXmlAnswer(answer);
    if (!tree) return undefined;
    const rule = RULES[kind];
    let changed = false;
    for (const node of xmlObjects(tree)) {
      const id = textOf(node, rule.idElement);
      if (id !== undefined && this.isYoung(kind, id, now, scale) && rule.showNotReady(node)) changed = true;
    }
    return changed ? buildXmlAnswer(tree, answer) : undefined;
  }

  /** When the resource becomes ready at this scale (epoch ms), if it is tracked. */
  readyAt(kind: ReadinessKind, id: string, scale: number): number | undefined {
    const started = this.startedAt.get(`${kind}:${id}`);
    return started === undefined ? undefined : started + this.readyAfterMs[kind] * scale;
  }

  clear(): void {
    this.startedAt.clear();
  }

  private isYoung(kind: ReadinessKind, id: string, now: number, scale: number): boolean {
    const ready = this.readyAt(kind, id, scale);
    return ready !== undefined && now < ready;
  }

  private anyYoung(kind: ReadinessKind, now: number, scale: number): boolean {
    const horizon = this.readyAfterMs[kind] * scale;
    for (const [key, started] of this.startedAt) {
      if (key.startsWith(`${kind}:`) && now < started + horizon) return true;
    }
    return false;
  }
}
