import type { ReadinessKind } from './readiness.js';

export interface LatencyOptions {
  /** 0 = off; 1 = real-AWS-like. */
  scale: number;
  /**
   * Milliseconds per call at scale 1, keyed by an exact action name (`RunInstances`), a resource kind
   * (`Vpc`, `NatGateway`, `Bucket`…, see `resourceKindOf`) or `default`. Merged over `DEFAULT_LATENCY_MS`.
   */
  perKindMs?: Partial<Record<string, number>>;
  /**
   * Readiness times at scale 1 (ms), over READY_AFTER_MS in readiness.ts: how long an instance, a NAT
   * gateway, an RDS instance or an accepted peering shows pending/creating/provisioning. Scaled too.
   */
  readyAfterMs?: Partial<Record<ReadinessKind, number>>;
}

/** Per-call API latency at scale 1: how long the AWS API takes to answer, not how long a resource takes to become ready. */
export const DEFAULT_LATENCY_MS: Readonly<Record<string, number>> = {
  default: 100,
  RunInstances: 1000,
  CreateDBInstance: 800,
  Vpc: 120,
  Subnet: 110,
  InternetGateway: 100,
  RouteTable: 90,
  Route: 80,
  NatGateway: 150,
  Address: 90,
  VpcPeeringConnection: 130,
  SecurityGroup: 100,
  Instances: 120,
  DBInstance: 150,
  DBSubnetGroup: 120,
  Bucket: 60,
  Object: 60,
  KeyPair: 80,
};

/**
 * Resource kinds by the stem the action names after its verb. Order matters: longer stems that share
 * a prefix with a shorter one come first (RouteTable before Route, VpcPeeringConnection before Vpc).
 */
const kindStems: ReadonlyArray<[stem: string, kind: string]> = [
  ['VpcPeeringConnection', 'VpcPeeringConnection'],
  ['Vpc', 'Vpc'],
  ['Subnet', 'Subnet'],
  ['InternetGateway', 'InternetGateway'],
  ['RouteTable', 'RouteTable'],
  ['Route', 'Route'],
  ['NatGateway', 'NatGateway'],
  ['Address', 'Address'],
  ['SecurityGroup', 'SecurityGroup'],
  ['Instance', 'Instances'],
  ['DBInstance', 'DBInstance'],
  ['DBSubnetGroup', 'DBSubnetGroup'],
  ['Bucket', 'Bucket'],
  ['PublicAccessBlock', 'Bucket'],
  ['ObjectLockConfiguration', 'Bucket'],
  ['Object', 'Object'],
  ['MultipartUpload', 'Object'],
  ['Part', 'Object'],
  ['KeyPair', 'KeyPair'],
];

/** `CreateVpc` → `Vpc`, `DescribeRouteTables` → `RouteTable`, `RunInstances` → `Instances`, else `default`. */
export function resourceKindOf(action: string): string {
  const afterVerb = action.replace(/^[A-Z][a-z]+/, '');
  return kindStems.find(([stem]) => afterVerb.startsWith(stem))?.[1] ?? 'default';
}

/** How long to hold this call before forwarding it, in ms. */
export function modelledDelayMs(action: string, latency: LatencyOptions | undefined): number {
  if (!latency || latency.scale <= 0) return 0;
  const table = { ...DEFAULT_LATENCY_MS, ...latency.perKindMs };
  const perCall = table[action] ?? table[resourceKindOf(action)] ?? table.default ?? 0;
  return perCall * latency.scale;
}
