/**
 * What decides whether one host can ping another, as plain data: VPCs, subnets with their route
 * tables, peerings, security groups and hosts. Built from the design (design-model.ts) or, later,
 * from what AWS describes; `predictPingMatrix` reads nothing else. Keys are free-form; the optional
 * `name`s (Name tags) are what messages show.
 */

export interface ModelVpc {
  key: string;
  cidr: string;
}

export interface ModelSubnet {
  key: string;
  vpc: string;
  cidr: string;
  /** Key of the route table the subnet uses. */
  routeTable: string;
}

export type ModelRouteTarget = 'local' | 'igw' | 'nat' | { peering: string };

export interface ModelRoute {
  destination: string;
  target: ModelRouteTarget;
}

export interface ModelRouteTable {
  key: string;
  vpc: string;
  name?: string;
  routes: ModelRoute[];
}

export interface ModelPeering {
  key: string;
  name?: string;
  requester: string;
  accepter: string;
  active: boolean;
}

/** An inbound rule as in the security table (`IngressRule` fits); protocol '-1' is all traffic. */
export interface ModelIngressRule {
  protocol: string;
  fromPort: number;
  toPort: number;
  source: { kind: 'cidr'; cidr: string } | { kind: 'group'; group: string };
}

export interface ModelSecurityGroup {
  key: string;
  vpc: string;
  name?: string;
  ingress: readonly ModelIngressRule[];
}

export interface ModelHost {
  name: string;
  /** Key of its subnet. */
  subnet: string;
  /** Keys of its security groups. */
  securityGroups: string[];
  /** Its private address when known; otherwise the whole subnet stands for it. */
  ip?: string;
}

export interface ReachabilityModel {
  vpcs: ModelVpc[];
  subnets: ModelSubnet[];
  routeTables: ModelRouteTable[];
  peerings: ModelPeering[];
  securityGroups: ModelSecurityGroup[];
  hosts: ModelHost[];
}

export type PingVerdict =
  | { kind: 'ok' }
  /** `routeTable` lacks a usable route to `destination` (on the way there, or back). */
  | { kind: 'no-route'; direction: 'there' | 'back'; routeTable: string; destination: string; reason: string }
  /** None of the target's groups lets ICMP in from the source. */
  | { kind: 'blocked-by-sg'; securityGroups: string[]; reason: string };

/** What crosses the network: a ping (ICMP echo) or a TCP connection to a port. */
export type ModelTraffic = { kind: 'icmp' } | { kind: 'tcp'; port: number };

export interface PingCell {
  from: string;
  to: string;
  fromVpc: string;
  toVpc: string;
  verdict: PingVerdict;
}

export interface PingMatrix {
  cells: PingCell[];
}
