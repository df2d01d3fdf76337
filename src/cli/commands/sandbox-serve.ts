import { serveSandbox } from '../../sandbox/serve.js';
import { EXIT, UsageError } from '../exit-codes.js';
import type { CommandIO } from '../io.js';

/** `sandbox serve`: moto + the gateway, standalone, until Ctrl-C. */
export async function sandboxServeCommand(options: { port?: string; latencyScale?: string }, io: CommandIO): Promise<number> {
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new UsageError(`--port "${options.port}" is not a TCP port (1-65535).`);
  }
  const latencyScale = options.latencyScale === undefined ? undefined : Number(options.latencyScale);
  if (latencyScale !== undefined && (!Number.isFinite(latencyScale) || latencyScale < 0)) {
    throw new UsageError(`--latency-scale "${options.latencyScale}" must be a number ≥ 0 (0 = no added latency).`);
  }
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await serveSandbox({
      ...(port !== undefined ? { port } : {}),
      ...(latencyScale !== undefined ? { latencyScale } : {}),
      write: io.out,
      signal: stop.signal,
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return EXIT.ok;
}
