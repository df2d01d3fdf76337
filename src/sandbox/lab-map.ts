import { readFile } from 'node:fs/promises';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { HintedError } from '../errors/hinted-error.js';

/**
 * The lab map: which lab host (test/lab, network namespaces) plays each EC2 instance and the RDS
 * instance, so the gateway can show the lab's real addresses instead of the ones moto invents. The
 * gateway only rewrites answers with these values; it never connects to the mapped addresses.
 */

/**
 * The only ranges a lab map may point at: a run connects (SSH with the operator's key, the shop's source
 * and `.env` uploaded) to whatever the map says, so a map must never name a host on the internet.
 * - 127.0.0.0/8, loopback: hosts on this machine;
 * - 10.0.0.0/8, private (RFC 1918): the lab's VPCs (10.1/16, 10.2/16, 10.3/16 in test/lab/topology.ts)
 *   and the private addresses moto invents;
 * - 198.51.100.0/24 (TEST-NET-2) and 203.0.113.0/24 (TEST-NET-3), documentation ranges (RFC 5737) never
 *   routed on the internet: the lab's public addresses and its "internet" segment.
 * Not 172.16.0.0/12 or 192.168.0.0/16 (what home and office networks use: a map could send a run to
 * another machine of the operator's network) nor any other address.
 */
export const LAB_ADDRESS_RANGES = ['127.0.0.0/8', '10.0.0.0/8', '198.51.100.0/24', '203.0.113.0/24'] as const;
const LAB_RANGES = LAB_ADDRESS_RANGES.map((cidr) => ipaddr.IPv4.parseCIDR(cidr));

export function isLabAddress(address: string): boolean {
  if (!ipaddr.IPv4.isValidFourPartDecimal(address)) return false;
  const parsed = ipaddr.IPv4.parse(address);
  return LAB_RANGES.some((range) => parsed.match(range));
}

/** The lab's hosts are namespaces with literal addresses; a name could resolve anywhere. */
const ipv4 = () =>
  z
    .ipv4({ error: 'must be an IPv4 literal such as 10.0.1.10 (not a name)' })
    .refine(isLabAddress, { error: `must be a lab address: loopback or the lab's own ranges (${LAB_ADDRESS_RANGES.join(', ')}), never an internet address` });

const labInstance = z.strictObject({
  privateIp: ipv4(),
  /** Absent: the instance has no public address (moto's invented one is removed from answers). */
  publicIp: ipv4().optional(),
  /** Plain text; answers carry it base64-encoded, as EC2 does. */
  consoleOutput: z.string().optional(),
});

export const labMapSchema = z.strictObject({
  /**
   * The hosts are simulated inside the process that runs the gateway (`--sandbox`): their addresses are
   * reachable only through that process's in-memory connector, so they are not listed to other clients.
   */
  simulated: z.boolean().optional(),
  /** By the instance's `aws-runbook:step` tag value, e.g. `compute.gitlab`. */
  instances: z.record(z.string().min(1, 'an instance key must be a non-empty aws-runbook:step tag value'), labInstance),
  rds: z
    .strictObject({
      address: ipv4(),
      port: z.number().int().min(1).max(65535),
      /**
       * The SecretString answered for every RDS-managed master-user secret (`rds!db-…`): the lab does not
       * know that secret's ARN before the tool creates the database, so it cannot key it in `secrets`.
       */
      masterUserSecret: z.string().optional(),
    })
    .optional(),
  /** Secret ARN or name → the SecretString GetSecretValue answers for it. */
  secrets: z.record(z.string().min(1, 'a secret key must be a non-empty ARN or name'), z.string()).optional(),
});

export type LabMap = z.infer<typeof labMapSchema>;
export type LabInstance = z.infer<typeof labInstance>;

/** A lab map that is not valid JSON or not shaped as LabMap. Never quotes the map's contents (it may hold secrets). */
export class LabMapError extends HintedError {
  override readonly name = 'LabMapError';
}

const SHAPE_HINT =
  'A lab map is JSON: {"instances": {"compute.gitlab": {"privateIp": "10.0.1.10", "publicIp": "198.51.100.10", "consoleOutput": "..."}}, ' +
  '"rds": {"address": "10.0.2.10", "port": 3306, "masterUserSecret": "{\\"username\\":\\"admin\\",\\"password\\":\\"...\\"}"}, "secrets": {"<ARN or name>": "<SecretString>"}}.';

/** Validate a parsed lab map; `source` names where it came from (a file, the control API) in the error. */
export function parseLabMap(json: unknown, source: string): LabMap {
  const parsed = labMapSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new LabMapError(`The lab map from ${source} is not valid:\n${z.prettifyError(parsed.error)}`, SHAPE_HINT);
}

/** Where the JSON parser stopped, without the snippet of input V8 may quote (a lab map can hold secrets). */
function jsonSyntaxProblem(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : '';
  if (/end of JSON input/.test(message)) return 'it is not valid JSON (it ends too early)';
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position === undefined) return 'it is not valid JSON';
  const before = text.slice(0, Number(position)).split('\n');
  return `it is not valid JSON (line ${before.length}, column ${(before.at(-1) ?? '').length + 1})`;
}

/** Parse the text of a lab map (a file's, a control request's). */
export function labMapFromText(text: string, source: string): LabMap {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new LabMapError(`The lab map from ${source} cannot be read: ${jsonSyntaxProblem(error, text)}.`, SHAPE_HINT);
  }
  return parseLabMap(json, source);
}

/** Read and validate a lab map file (`sandbox serve --lab FILE`). */
export async function readLabMapFile(path: string): Promise<LabMap> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new LabMapError(`The lab map file ${path} cannot be read (${code}).`, 'Give --lab the path of an existing JSON file.');
  }
  return labMapFromText(text, path);
}
