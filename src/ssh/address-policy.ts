import type { Duplex } from 'node:stream';

/**
 * Where the tool may open an SSH connection (docs/design.md#network-safety). Against AWS itself (no endpoint override) the
 * addresses come from AWS and are real. Through an emulator they are invented (moto's 10.x and
 * public-looking ones) and must never be connected to, except those the sandbox's lab map says a lab host
 * of ours answers for: the gateway lists them at GET /_sandbox/lab/addresses (no secret in it) to its
 * owner, who sends the control token `sandbox serve` printed (AWS_RUNBOOK_SANDBOX_TOKEN). A
 * `--sandbox` rehearsal simulates its hosts in its own process: their policy (simulatedAddressPolicy)
 * hands every connection to an in-memory connector, so none goes to the network.
 */
export interface AddressPolicy {
  /** True when an SSH connection to this address is allowed. */
  allows(address: string): boolean;
  /** For errors: "AWS", "the lab (6 addresses)", "an emulator without a lab". */
  readonly where: string;
  /** Whether any host can be reached at all (false: an emulator without a lab). */
  readonly reachable: boolean;
  /** Something the operator should be told before the run (e.g. the gateway refused to list its lab). */
  readonly notice?: string;
  /**
   * Simulated hosts (`--sandbox`): the stream to speak SSH over to `address`, in this process. When set,
   * every connection goes through it and none over the network; it throws for an address it does not simulate.
   */
  readonly connect?: SimulatedConnector;
}

/** Opens an in-process connection to a simulated host's sshd, or rejects (never falls back to the network). */
export type SimulatedConnector = (address: string, port: number) => Promise<Duplex>;

export class UnreachableAddressError extends Error {
  override readonly name = 'UnreachableAddressError';
  readonly fix: string;
  constructor(host: string, address: string, where: string) {
    super(`${host}: refusing to connect to ${address}: it was answered by ${where}, whose addresses are invented, not a host of ours`);
    this.fix =
      'hosts can be set up against AWS, in the lab (test/lab) whose sandbox maps instances to real lab hosts, ' +
      'or on the hosts `aws-runbook --sandbox` simulates; an --endpoint-url emulator stops before SSH';
  }
}

const AWS_POLICY: AddressPolicy = { allows: () => true, where: 'AWS', reachable: true };

/** Hosts simulated in this process (`--sandbox`): only their addresses, and only through `connect`. */
export function simulatedAddressPolicy(addresses: Iterable<string>, connect: SimulatedConnector): AddressPolicy {
  const allowed = new Set(addresses);
  return {
    allows: (address) => allowed.has(address),
    where: `the sandbox's simulated hosts (${allowed.size} addresses, in this process)`,
    reachable: true,
    connect: async (address, port) => {
      if (!allowed.has(address)) throw new Error(`refusing to connect to ${address}:${port}: not a simulated host's address`);
      return connect(address, port);
    },
  };
}

/** The path the sandbox gateway serves its lab addresses on (src/sandbox/control-api.ts). */
export const LAB_ADDRESSES_PATH = '/_sandbox/lab/addresses';

/** The environment variable the tool reads the control token from (for a `sandbox serve` gateway). */
export const CONTROL_TOKEN_ENV = 'AWS_RUNBOOK_SANDBOX_TOKEN';


/**
 * The policy for a run: AWS's own endpoint → any address; an emulator → only its lab's, if it has one.
 * `offline`: the endpoint is not asked (`plan --offline` sends nothing anywhere), so no address is allowed.
 */
export async function addressPolicyFor(endpoint: string | undefined, options: { timeoutMs?: number; offline?: boolean } = {}): Promise<AddressPolicy> {
  if (!endpoint) return AWS_POLICY;
  if (options.offline) return { allows: () => false, where: 'an emulator not asked for its lab (offline)', reachable: false };
  const lab = await labAddresses(endpoint, options.timeoutMs ?? 2000);
  const allowed = new Set(lab.addresses);
  const refused = lab.refused ? `the sandbox gateway at ${endpoint} did not list its lab's hosts: ${lab.refused}` : undefined;
  return {
    allows: (address) => allowed.has(address),
    where: allowed.size > 0 ? `the sandbox's lab (${allowed.size} addresses)` : refused ? `an emulator that did not list its lab to us (no ${CONTROL_TOKEN_ENV})` : 'an emulator without a lab',
    reachable: allowed.size > 0,
    ...(refused ? { notice: refused } : {}),
  };
}

/** The control token, sent only to a loopback gateway (never to a remote endpoint). */
function tokenHeaders(url: URL): Record<string, string> {
  const token = process.env[CONTROL_TOKEN_ENV];
  const loopback = url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]');
  return token && loopback ? { authorization: `Bearer ${token}` } : {};
}

/** The lab's addresses, or none (plain moto, LocalStack, a gateway without a lab map: 404 or no answer). */
async function labAddresses(endpoint: string, timeoutMs: number): Promise<{ addresses: string[]; refused?: string }> {
  try {
    const url = new URL(LAB_ADDRESSES_PATH, endpoint);
    const response = await fetch(url, { headers: tokenHeaders(url), signal: AbortSignal.timeout(timeoutMs) });
    if (response.status === 401 || response.status === 403) {
      return { addresses: [], refused: `it needs the control token \`aws-runbook sandbox serve\` printed: export ${CONTROL_TOKEN_ENV}=<token>` };
    }
    if (!response.ok) return { addresses: [] };
    const body = (await response.json()) as { addresses?: unknown };
    return { addresses: Array.isArray(body.addresses) ? body.addresses.filter((a): a is string => typeof a === 'string') : [] };
  } catch {
    return { addresses: [] };
  }
}
