import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { imageCreationDates, writeAmiCatalogue, type AmiCatalogueFile } from './ami-catalogue.js';
import { Gateway, type FaultRule, type LabMap, type LatencyOptions } from './gateway.js';
import { startMoto, type MotoServer } from './moto.js';
import { READY_AFTER_MS } from './readiness.js';

/** The static fake credentials every sandbox client uses; moto accepts any, real AWS none. */
export const SANDBOX_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;

/**
 * The time scale for a rehearsal (`--sandbox`): real AWS's waits at 1/50. The slowest thing, a Multi-AZ
 * RDS instance (READY_AFTER_MS.dbInstance, 900 s), is `creating` for 18 s; a NAT gateway `pending` for
 * 2.4 s, an instance for 0.6 s, an accepted peering for 0.1 s; per-call API latency is 2–20 ms. A full
 * rehearsal stays well under two minutes while every wait-until-ready path of the tool really runs.
 */
export const SANDBOX_DEFAULT_TIME_SCALE = 0.02;

/** The latency profile for a rehearsal: `startSandbox({ latency: SANDBOX_REHEARSAL_LATENCY })`. */
export const SANDBOX_REHEARSAL_LATENCY: LatencyOptions = { scale: SANDBOX_DEFAULT_TIME_SCALE };

/** How long the slowest modelled resource stays not ready at a scale, ms (18 000 at the default scale). */
export function longestReadinessWaitMs(scale: number = SANDBOX_DEFAULT_TIME_SCALE): number {
  return Math.max(...Object.values(READY_AFTER_MS)) * scale;
}

export interface Sandbox {
  /** The gateway: what clients use as `--endpoint-url`. */
  endpoint: string;
  /** What every control call (`${endpoint}/_sandbox/…`) must carry: `Authorization: Bearer <token>`. */
  controlToken: string;
  motoEndpoint: string;
  gateway: Gateway;
  /** moto's MOTO_AMIS_PATH: the seeded image catalogue, in a temporary directory removed by stop(). */
  amiCataloguePath: string;
  /** Stops the gateway and moto, and removes the seeded image catalogue. */
  stop(): Promise<void>;
}

export interface SandboxOptions {
  /** The gateway's port; moto always gets a free one. */
  port?: number;
  /** Default: none (scale 0, moto's instant answers). A rehearsal uses SANDBOX_REHEARSAL_LATENCY. */
  latency?: LatencyOptions;
  faults?: FaultRule[];
  /** The lab hosts answers show (test/lab); also settable later with gateway.setLab or POST /_sandbox/lab. */
  lab?: LabMap;
}

/**
 * moto + the gateway in front of it, both on loopback, moto seeded with Canonical's Ubuntu images
 * (ami-catalogue.ts). On failure stops what it started; MotoMissingError passes through.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const written: AmiCatalogueFile = await writeAmiCatalogue();
  // A process that exits without stop() (a signal, process.exit) still removes the catalogue's directory.
  const removeOnExit = () => rmSync(dirname(written.path), { recursive: true, force: true });
  process.once('exit', removeOnExit);
  const catalogue: AmiCatalogueFile = {
    path: written.path,
    remove: () => {
      process.removeListener('exit', removeOnExit);
      return written.remove();
    },
  };
  let moto: MotoServer;
  try {
    moto = await startMoto({ env: { MOTO_AMIS_PATH: catalogue.path } });
  } catch (error) {
    await catalogue.remove();
    throw error;
  }
  let gateway: Gateway;
  try {
    gateway = await Gateway.start({
      target: moto.endpoint,
      port: options.port,
      latency: options.latency,
      faults: options.faults,
      lab: options.lab,
      imageCreationDates: imageCreationDates(),
    });
  } catch (error) {
    await moto.stop();
    await catalogue.remove();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    endpoint: gateway.endpoint,
    controlToken: gateway.controlToken,
    motoEndpoint: moto.endpoint,
    gateway,
    amiCataloguePath: catalogue.path,
    stop() {
      stopping ??= gateway
        .stop()
        .finally(() => moto.stop())
        .finally(() => catalogue.remove());
      return stopping;
    },
  };
}
