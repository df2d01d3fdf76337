import type { TestProject } from 'vitest/node';
import { writeAmiCatalogue } from '../../src/sandbox/ami-catalogue.js';
import { findMotoCommand, startMoto, type MotoServer } from '../../src/sandbox/moto.js';

/**
 * vitest globalSetup: the motos the test files share, started once for the whole run instead of once per
 * file (a moto costs ~1.5 s of CPU to start and to answer its first call). Each worker slot
 * (VITEST_POOL_ID, 1…maxWorkers: at most one file runs in a slot at a time) gets two: a plain moto, and
 * one seeded with the sandbox's image catalogue as startSandbox() seeds its own. A file takes its slot's
 * moto through test/helpers/worker-moto.ts, which resets it first (POST /moto-api/reset), so every file
 * still starts on an empty cloud. Without moto on this machine nothing is started, and the files start
 * their own as before (and fail as before, with MotoMissingError).
 */

export interface WorkerMotos {
  /** Index i serves the worker slot VITEST_POOL_ID = i + 1. */
  plain: string[];
  sandbox: string[];
  /** MOTO_AMIS_PATH of the sandbox motos. */
  amiCataloguePath: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    workerMotos: WorkerMotos;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const slots = Math.max(1, Number(project.config.maxWorkers) || 1);
  if (!(await findMotoCommand())) {
    project.provide('workerMotos', { plain: [], sandbox: [], amiCataloguePath: '' });
    return async () => {};
  }
  const catalogue = await writeAmiCatalogue();
  const started: MotoServer[] = [];
  const stop = async () => {
    await Promise.all(started.map((moto) => moto.stop()));
    await catalogue.remove();
  };
  try {
    const start = async (env?: Record<string, string>) => {
      const moto = await startMoto({ env });
      started.push(moto);
      return moto.endpoint;
    };
    const slotIds = Array.from({ length: slots }, (_, i) => i);
    const [plain, sandbox] = await Promise.all([
      Promise.all(slotIds.map(() => start())),
      Promise.all(slotIds.map(() => start({ MOTO_AMIS_PATH: catalogue.path }))),
    ]);
    project.provide('workerMotos', { plain, sandbox, amiCataloguePath: catalogue.path });
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}
