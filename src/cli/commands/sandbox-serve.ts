import { LabMapError, readLabMapFile, type LabMap } from '../../sandbox/lab-map.js';
import { serveSandbox } from '../../sandbox/serve.js';
import { EXIT, UsageError } from '../exit-codes.js';
import type { CommandIO } from '../io.js';
import { onSignals, SIGNAL_EXIT_CODES } from '../signals.js';

/** `sandbox serve`: moto + the gateway, standalone, until Ctrl-C. */
/** The `--lab FILE` map; a missing or bad file is a usage error (exit 2), before anything starts. */
async function labMapOption(file: string | undefined): Promise<LabMap | undefined> {
  if (file === undefined) return undefined;
  try {
    return await readLabMapFile(file);
  } catch (error) {
    if (error instanceof LabMapError) throw new UsageError(`--lab: ${error.message}\n${error.hint}`);
    throw error;
  }
}

export async function sandboxServeCommand(options: { port?: string; latencyScale?: string; lab?: string }, io: CommandIO): Promise<number> {
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new UsageError(`--port "${options.port}" is not a TCP port (1-65535).`);
  }
  const latencyScale = options.latencyScale === undefined ? undefined : Number(options.latencyScale);
  if (latencyScale !== undefined && (!Number.isFinite(latencyScale) || latencyScale < 0)) {
    throw new UsageError(`--latency-scale "${options.latencyScale}" must be a number ≥ 0 (0 = no added latency).`);
  }
  const lab = await labMapOption(options.lab);
  const stop = new AbortController();
  // The first signal stops moto and the gateway; a second one exits at once ('exit' still kills moto).
  const release = onSignals((signal) => {
    if (stop.signal.aborted) process.exit(SIGNAL_EXIT_CODES[signal]);
    stop.abort();
  });
  try {
    await serveSandbox({
      ...(port !== undefined ? { port } : {}),
      ...(latencyScale !== undefined ? { latencyScale } : {}),
      ...(lab !== undefined ? { lab } : {}),
      write: io.out,
      signal: stop.signal,
    });
  } finally {
    release();
  }
  return EXIT.ok;
}
