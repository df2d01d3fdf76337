import { applyLabAddresses, instanceNodes, stepTagOf } from './lab-instances.js';
import type { LabMap } from './lab-map.js';
import type { RequestIdentity } from './request-identity.js';
import { buildXmlAnswer, isNode, parseXmlAnswer, textOf, xmlObjects, type XmlNode } from './xml-answer.js';

/**
 * Lab overrides: with a lab map set, moto's answers show the lab's hosts instead of moto's inventions —
 * an instance's addresses (by its `aws-runbook:step` tag) and console output, the RDS endpoint, and the
 * SecretString of mapped secrets. The gateway only rewrites answers; it never connects to these addresses.
 */

type Call = Pick<RequestIdentity, 'service' | 'action'>;

/** Answers that describe instances: the addresses are rewritten and the instance → step tag is learnt. */
const INSTANCE_ANSWERS = new Set(['RunInstances', 'DescribeInstances']);
/** Answers that describe DB instances with their endpoint. */
const DB_INSTANCE_ANSWERS = new Set(['CreateDBInstance', 'DescribeDBInstances', 'ModifyDBInstance']);
/** How AWS names the secret RDS manages for a master password (ManageMasterUserPassword). */
const RDS_MANAGED_SECRET_NAME = /^rds!/;

/** Asks moto (never anything else) for a DescribeInstances answer about one instance. */
export type InstanceLookup = (instanceId: string) => Promise<string | undefined>;

/** A record's own entry (a step or secret named `constructor` must not find Object's). */
function own<T>(record: Readonly<Record<string, T>> | undefined, key: string | undefined): T | undefined {
  return record !== undefined && key !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

export class LabOverrides {
  private map: LabMap | undefined;
  /** instanceId → its `aws-runbook:step` tag value, learnt from instance answers passing through. */
  private readonly stepOf = new Map<string, string>();

  set(map: LabMap | undefined): void {
    this.map = map;
  }

  /** Whether this call's answer must be held whole: the map rewrites it, or it teaches instance → step. */
  concerns(call: Call): boolean {
    if (!this.map) return false;
    if (call.service === 'ec2') return this.hasInstances() && (INSTANCE_ANSWERS.has(call.action) || call.action === 'GetConsoleOutput');
    if (call.service === 'rds') return this.map.rds !== undefined && DB_INSTANCE_ANSWERS.has(call.action);
    if (call.service === 'secretsmanager') return call.action === 'GetSecretValue' && this.answersSecrets();
    return false;
  }

  /**
   * Learn instance → step tag from an instance answer. Only while a map is set (no cost otherwise): an
   * instance launched before is learnt by asking moto when its console output is asked for.
   */
  observe(call: Call, answer: string): void {
    if (!this.hasInstances() || call.service !== 'ec2' || !INSTANCE_ANSWERS.has(call.action)) return;
    const tree = parseXmlAnswer(answer);
    if (tree) this.learnSteps(tree);
  }

  /**
   * The answer the client gets instead of moto's successful one, or undefined when nothing changes.
   * `lookup` is used when a console-output answer names an instance not seen yet.
   */
  async rewrite(call: Call, answer: string, now: number, lookup?: InstanceLookup): Promise<string | undefined> {
    const map = this.map;
    if (!map || !this.concerns(call)) return undefined;
    if (call.service === 'secretsmanager') return this.rewriteSecret(answer, map);
    const tree = parseXmlAnswer(answer);
    if (!tree) return undefined;
    let changed = false;
    if (call.service === 'ec2' && INSTANCE_ANSWERS.has(call.action)) changed = this.rewriteInstances(tree, map);
    else if (call.service === 'ec2') changed = await this.rewriteConsoleOutput(tree, map, now, lookup);
    else changed = this.rewriteDbEndpoints(tree, map);
    return changed ? buildXmlAnswer(tree, answer) : undefined;
  }

  /**
   * The addresses the lab answers for (instances' and the RDS endpoint's), and nothing else: what the tool
   * asks before it connects anywhere through an emulator. No secret is in it.
   */
  addresses(): string[] {
    const map = this.map;
    // Simulated hosts live in the gateway's own process: another client could never reach them.
    if (!map || map.simulated) return [];
    const instances = Object.values(map.instances).flatMap((host) => [host.privateIp, ...(host.publicIp ? [host.publicIp] : [])]);
    return [...new Set([...instances, ...(map.rds ? [map.rds.address] : [])])];
  }

  /** Forget what was learnt about moto's instances (moto was reset); the map stays. */
  clear(): void {
    this.stepOf.clear();
  }

  private hasInstances(): boolean {
    return Object.keys(this.map?.instances ?? {}).length > 0;
  }

  private answersSecrets(): boolean {
    return Object.keys(this.map?.secrets ?? {}).length > 0 || this.map?.rds?.masterUserSecret !== undefined;
  }

  private learnSteps(tree: XmlNode): void {
    for (const instance of instanceNodes(tree)) {
      const id = textOf(instance, 'instanceId') as string;
      const step = stepTagOf(instance);
      if (step === undefined) this.stepOf.delete(id);
      else this.stepOf.set(id, step);
    }
  }

  private rewriteInstances(tree: XmlNode, map: LabMap): boolean {
    let changed = false;
    for (const instance of instanceNodes(tree)) {
      const step = stepTagOf(instance);
      const lab = own(map.instances, step);
      if (!lab) continue;
      applyLabAddresses(instance, lab);
      changed = true;
    }
    return changed;
  }

  private async rewriteConsoleOutput(tree: XmlNode, map: LabMap, now: number, lookup: InstanceLookup | undefined): Promise<boolean> {
    const node = [...xmlObjects(tree)].find((candidate) => textOf(candidate, 'instanceId') !== undefined && 'output' in candidate);
    const id = node && textOf(node, 'instanceId');
    if (!node || id === undefined) return false;
    if (!this.stepOf.has(id) && lookup) {
      // Not seen in an answer yet (another client launched it, or the gateway restarted): ask moto.
      const described = parseXmlAnswer((await lookup(id)) ?? '');
      if (described) this.learnSteps(described);
    }
    const step = this.stepOf.get(id);
    const consoleOutput = own(map.instances, step)?.consoleOutput;
    if (consoleOutput === undefined) return false;
    node.output = Buffer.from(consoleOutput, 'utf8').toString('base64');
    node.timestamp = new Date(now).toISOString();
    return true;
  }

  private rewriteDbEndpoints(tree: XmlNode, map: LabMap): boolean {
    if (!map.rds) return false;
    let changed = false;
    for (const node of xmlObjects(tree)) {
      if (textOf(node, 'DBInstanceIdentifier') === undefined || !isNode(node.Endpoint)) continue;
      node.Endpoint = { ...node.Endpoint, Address: map.rds.address, Port: String(map.rds.port) };
      changed = true;
    }
    return changed;
  }

  /** GetSecretValue (JSON protocol): moto's answer names the secret by ARN and name; either may be mapped. */
  private rewriteSecret(answer: string, map: LabMap): string | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer);
    } catch {
      return undefined;
    }
    if (!isNode(parsed)) return undefined;
    const arn = typeof parsed.ARN === 'string' ? parsed.ARN : undefined;
    const name = typeof parsed.Name === 'string' ? parsed.Name : undefined;
    const mapped =
      own(map.secrets, arn) ??
      own(map.secrets, name) ??
      (name !== undefined && RDS_MANAGED_SECRET_NAME.test(name) ? map.rds?.masterUserSecret : undefined);
    if (mapped === undefined) return undefined;
    const { SecretBinary: _binary, ...rest } = parsed;
    return JSON.stringify({ ...rest, SecretString: mapped });
  }
}
