import { Gateway, type FaultRule, type LatencyOptions } from './gateway.js';
import { startMoto, type MotoServer } from './moto.js';

/** The static fake credentials every sandbox client uses; moto accepts any, real AWS none. */
export const SANDBOX_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;

export interface Sandbox {
  /** The gateway: what clients use as `--endpoint-url`. */
  endpoint: string;
  motoEndpoint: string;
  gateway: Gateway;
  /** Stops the gateway and moto. */
  stop(): Promise<void>;
}

export interface SandboxOptions {
  /** The gateway's port; moto always gets a free one. */
  port?: number;
  latency?: LatencyOptions;
  faults?: FaultRule[];
}

/** moto + the gateway in front of it, both on loopback. On failure stops what it started; MotoMissingError passes through. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const moto: MotoServer = await startMoto();
  let gateway: Gateway;
  try {
    gateway = await Gateway.start({ target: moto.endpoint, port: options.port, latency: options.latency, faults: options.faults });
  } catch (error) {
    await moto.stop();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    endpoint: gateway.endpoint,
    motoEndpoint: moto.endpoint,
    gateway,
    stop() {
      stopping ??= gateway.stop().finally(() => moto.stop());
      return stopping;
    },
  };
}
