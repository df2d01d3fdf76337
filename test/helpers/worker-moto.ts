import { inject } from 'vitest';
import { imageCreationDates } from '../../src/sandbox/ami-catalogue.js';
import { Gateway } from '../../src/sandbox/gateway.js';
import { startMoto, type MotoServer } from '../../src/sandbox/moto.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox.js';

/**
 * The moto of this file's worker slot (started once per run by test/setup/worker-motos.ts), reset before
 * the file gets it: a file sees an empty cloud, as with a moto of its own, without paying for one. One
 * file runs in a slot at a time, so nothing else talks to it meanwhile. When the run has no shared motos
 * (moto missing, or more workers than slots) the file starts its own, as it did before.
 *
 * Take it once per file (in beforeAll): taking it again resets it under the first taker.
 */

let taken = false;

function slotEndpoint(kind: 'plain' | 'sandbox'): string | undefined {
  if (taken) throw new Error('this file already took its worker moto: take it once, in beforeAll');
  const slot = Number(process.env.VITEST_POOL_ID);
  const endpoint = inject('workerMotos')?.[kind][slot - 1];
  if (endpoint) taken = true;
  return endpoint;
}

/** Forget everything moto holds (POST /moto-api/reset). Loopback only. */
async function reset(endpoint: string): Promise<void> {
  if (new URL(endpoint).hostname !== '127.0.0.1') throw new Error(`tests only talk to loopback, not ${endpoint}`);
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
}

/** A plain moto (moto's own images), empty. stop() leaves the shared one running for the next file. */
export async function workerMoto(): Promise<MotoServer> {
  const endpoint = slotEndpoint('plain');
  if (!endpoint) return startMoto();
  await reset(endpoint);
  const port = Number(new URL(endpoint).port);
  return { endpoint, port, pid: 0, stop: async () => {} };
}

/**
 * What startSandbox() gives (moto seeded with the sandbox's images, a gateway of its own in front of it)
 * on the slot's moto, empty, and a fresh gateway (empty log, no faults, the given latency and lab).
 * stop() stops the gateway only.
 */
export async function workerSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const endpoint = slotEndpoint('sandbox');
  if (!endpoint) return startSandbox(options);
  await reset(endpoint);
  const gateway = await Gateway.start({
    target: endpoint,
    port: options.port,
    latency: options.latency,
    faults: options.faults,
    lab: options.lab,
    imageCreationDates: imageCreationDates(),
  });
  let stopping: Promise<void> | undefined;
  return {
    endpoint: gateway.endpoint,
    controlToken: gateway.controlToken,
    motoEndpoint: endpoint,
    gateway,
    amiCataloguePath: inject('workerMotos').amiCataloguePath,
    stop: () => (stopping ??= gateway.stop()),
  };
}
