import { createAwsClients, type AwsClients } from '../../src/aws/clients.js';
import { configSchema, type Config, type ConfigInput } from '../../src/config/schema.js';
import { createStepContext, NO_HOSTS, type ContextHost } from '../../src/engine/context.js';
import type { FindResult, HostAccess, Outputs, Step } from '../../src/engine/types.js';
import { startMoto, type MotoServer } from '../../src/sandbox/moto.js';
import { journalCalls, type JournalEntry } from './call-journal.js';

/**
 * Test plumbing for tasks against a real moto: an in-memory ContextHost (outputs, operations) and a
 * journal shared by the host and the AWS clients, so tests can check what was sent and in which order.
 */

export { startMoto, type MotoServer };
export type { JournalEntry };

/** Forget everything moto holds (between tests of one file). Loopback only. */
export async function resetMoto(moto: MotoServer): Promise<void> {
  const response = await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
}

export function testConfig(input: ConfigInput = {}): Config {
  return configSchema.parse({ region: 'us-east-2', ...input });
}

export function motoClients(moto: MotoServer): AwsClients {
  const url = new URL(moto.endpoint);
  if (url.hostname !== '127.0.0.1') throw new Error(`tests only talk to loopback, not ${moto.endpoint}`);
  return createAwsClients({ region: 'us-east-2', endpoint: moto.endpoint });
}

/** Record every EC2 command sent (when `send` is called, before the request goes out). */
export function journalEc2Calls(clients: AwsClients, journal: JournalEntry[]): void {
  journalCalls(clients.ec2, 'ec2', journal);
  journalCalls(clients.ec2Once, 'ec2Once', journal);
}

export function mutatingCalls(journal: readonly JournalEntry[]): string[] {
  return journal.flatMap((e) => (e.type === 'call' && e.mutating ? [e.action] : []));
}

/** A ContextHost kept in memory: what the engine's state file would hold. */
export class MemoryHost implements ContextHost {
  readonly outputs = new Map<string, Outputs>();
  readonly progressLines: string[] = [];
  readonly controller = new AbortController();
  readonly signal = this.controller.signal;

  constructor(
    readonly config: Config,
    readonly aws: AwsClients,
    readonly journal: JournalEntry[] = [],
    /** SSH to hosts (the lab's, in lab tests); none by default. */
    readonly hosts: HostAccess = NO_HOSTS,
  ) {}

  outputsOf(stepId: string): Outputs | undefined {
    return this.outputs.get(stepId);
  }

  /** Steps the state file would record as done, with their outputs (`runSteps` adds none: a test says which). */
  readonly done = new Map<string, Outputs>();

  recordedAsDone(stepId: string): Outputs | undefined {
    return this.done.get(stepId);
  }

  async beginOperation(stepId: string, action: string, clientToken?: string): Promise<void> {
    this.journal.push({ type: 'begin', stepId, action, ...(clientToken ? { clientToken } : {}) });
  }

  async recordOutputs(stepId: string, partial: Outputs): Promise<void> {
    this.outputs.set(stepId, { ...this.outputs.get(stepId), ...partial });
    this.journal.push({ type: 'record', stepId, outputs: partial });
  }

  progress(stepId: string, message: string): void {
    this.progressLines.push(`${stepId}: ${message}`);
  }
}

/** Steps in an order where every step comes after what it needs (throws on a cycle or an unknown need). */
export function orderByNeeds(steps: readonly Step[]): Step[] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const ordered: Step[] = [];
  const visit = (step: Step) => {
    if (done.has(step.id)) return;
    if (visiting.has(step.id)) throw new Error(`cycle through ${step.id}`);
    visiting.add(step.id);
    for (const need of step.needs) {
      const dependency = byId.get(need);
      if (!dependency) throw new Error(`${step.id} needs unknown step ${need}`);
      visit(dependency);
    }
    visiting.delete(step.id);
    done.add(step.id);
    ordered.push(step);
  };
  steps.forEach(visit);
  return ordered;
}

export interface StepRun {
  stepId: string;
  found: FindResult;
  applied: boolean;
  outputs?: Outputs;
}

export interface RunReport {
  runs: StepRun[];
  /** The first step found in conflict (not ours, or differences): the run stopped there. */
  conflict?: StepRun;
}

/**
 * What the engine does, minimally: in `needs` order, find; apply when absent, or when present, ours
 * and either unfinished or not recorded yet (adopt); stop at the first conflict.
 */
export async function runSteps(steps: readonly Step[], host: MemoryHost): Promise<RunReport> {
  const runs: StepRun[] = [];
  for (const step of orderByNeeds(steps)) {
    const ctx = createStepContext(host, step.id);
    const found = await step.find(ctx);
    if (found.kind === 'present' && (!found.ours || found.differences.length > 0)) {
      const run = { stepId: step.id, found, applied: false };
      runs.push(run);
      return { runs, conflict: run };
    }
    const recorded = host.outputsOf(step.id) !== undefined;
    const needsApply = found.kind === 'absent' || found.unfinished.length > 0 || !recorded;
    if (!needsApply) {
      runs.push({ stepId: step.id, found, applied: false, outputs: found.kind === 'present' ? found.outputs : {} });
      continue;
    }
    const outputs = await step.apply(ctx, found);
    host.outputs.set(step.id, { ...host.outputsOf(step.id), ...outputs });
    runs.push({ stepId: step.id, found, applied: true, outputs });
  }
  return { runs };
}

/** Destroy in reverse `needs` order every step with recorded outputs. */
export async function destroySteps(steps: readonly Step[], host: MemoryHost): Promise<string[]> {
  const destroyed: string[] = [];
  for (const step of orderByNeeds(steps).reverse()) {
    const outputs = host.outputsOf(step.id);
    if (!outputs || !step.destroy) continue;
    await step.destroy(createStepContext(host, step.id), outputs);
    host.outputs.delete(step.id);
    destroyed.push(step.id);
  }
  return destroyed;
}

/**
 * Makes the first `commandName` sent through `client` lose its answer: the call reaches moto (the
 * change is made), then the SDK sees a connection reset. Returns whether it has happened yet.
 */
export function loseFirstAnswer(
  client: { middlewareStack: { add: (...args: never[]) => void } },
  commandName: string,
): () => boolean {
  let lost = false;
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
    const result = await next(args);
    if (context.commandName === commandName && !lost) {
      lost = true;
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }
    return result;
  };
  (client.middlewareStack.add as (m: typeof middleware, o: { step: string; name: string }) => void)(middleware, {
    step: 'initialize',
    name: `loseFirst${commandName}Answer`,
  });
  return () => lost;
}
