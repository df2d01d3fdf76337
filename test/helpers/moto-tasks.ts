import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import type { Config } from '../../src/config/schema.js';
import type { Outputs, Step } from '../../src/engine/types.js';
import { journalCalls, type JournalEntry, type SentCommand } from './call-journal.js';
import { MemoryHost, motoClients, resetMoto, runSteps, type MotoServer } from './moto.js';
import { workerMoto } from './worker-moto.js';

/**
 * The setup every task test file against moto shares: the worker slot's moto (worker-moto.ts: empty when
 * the file takes it), and for each test fresh clients whose commands are journaled, an empty journal and
 * list of sent commands, and a MemoryHost.
 */

/** What each test gets fresh (the moto is the file's). */
export interface TaskRig {
  moto: MotoServer;
  clients: AwsClients;
  journal: JournalEntry[];
  sent: SentCommand[];
  host: MemoryHost;
  /** The outputs of what `buildOnce` built (empty without it); the host starts with copies of them. */
  built: ReadonlyMap<string, Outputs>;
}

/** The clients of AwsClients a test may journal. */
export type JournaledClient = 'ec2' | 'ec2Once' | 'rds' | 'rdsOnce' | 's3' | 'sts' | 'iam' | 'iamOnce';

export interface MotoTasksOptions {
  config: Config;
  /** The clients whose commands go in the journal (and `sent`), by their names in AwsClients. Default: EC2's two. */
  journaled?: readonly JournaledClient[];
  /**
   * Built once, before the first test, with clients of their own (not journaled); each test's host starts
   * with copies of their outputs. A conflict stops the block.
   */
  buildOnce?: () => Step[];
  /**
   * How each test starts from a clean cloud, before its clients are journaled. Default: moto emptied. A
   * block that built something once removes what its tests make instead (or, with `cleanAfter`, nothing).
   */
  cleanBefore?: 'reset moto' | 'nothing' | ((clients: AwsClients) => Promise<void>);
  /** After each test, before its clients are destroyed: for a block that cleans up after its tests. */
  cleanAfter?: (rig: TaskRig) => Promise<void>;
}

/**
 * Registers the hooks of a block of task tests against moto (in a `describe`, or at the top of a file):
 * once per file, as the file takes its worker moto once.
 * `onEach` gets each test's rig, to hand it to the file's variables and do the file's own per-test setup.
 */
export function useMotoTasks(options: MotoTasksOptions, onEach?: (rig: TaskRig) => unknown): void {
  const { config, journaled = ['ec2', 'ec2Once'], buildOnce, cleanBefore = 'reset moto', cleanAfter } = options;
  let moto: MotoServer;
  let built = new Map<string, Outputs>();
  let rig: TaskRig | undefined;

  beforeAll(async () => {
    moto = await workerMoto();
    if (!buildOnce) return;
    const setup = motoClients(moto);
    try {
      const builder = new MemoryHost(config, setup);
      const report = await runSteps(buildOnce(), builder);
      if (report.conflict) throw new Error(`the build before the tests stopped at ${report.conflict.stepId} (a conflict)`);
      built = new Map(builder.outputs);
    } finally {
      setup.destroy();
    }
  });
  afterAll(async () => {
    await moto?.stop();
  });
  beforeEach(async () => {
    if (cleanBefore === 'reset moto') await resetMoto(moto);
    const clients = motoClients(moto);
    if (typeof cleanBefore === 'function') await cleanBefore(clients);
    const journal: JournalEntry[] = [];
    const sent: SentCommand[] = [];
    for (const name of journaled) journalCalls(clients[name], name, journal, sent);
    const host = new MemoryHost(config, clients, journal);
    for (const [stepId, outputs] of built) host.outputs.set(stepId, { ...outputs });
    rig = { moto, clients, journal, sent, host, built };
    await onEach?.(rig);
  });
  afterEach(async () => {
    const current = rig;
    rig = undefined;
    if (!current) return;
    try {
      await cleanAfter?.(current);
    } finally {
      current.clients.destroy();
    }
  });
}
