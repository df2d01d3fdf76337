import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Raised when no moto server can be found on this machine. The CLI maps it to exit 2. */
export class MotoMissingError extends Error {
  constructor() {
    super(
      'The sandbox needs moto (the open-source AWS emulator) and none was found: no `moto_server` on PATH ' +
        'and `python3 -m moto.server` is not available.\n' +
        'Install it with `pipx install "moto[server]"` (or `pip install "moto[server]"`), or run its Docker image ' +
        '(`docker run -p 5000:5000 motoserver/moto`) and point the tool at it with --endpoint-url http://127.0.0.1:5000.',
    );
    this.name = 'MotoMissingError';
  }
}

export interface MotoServer {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly port: number;
  /** The moto process (tests read its environment). */
  readonly pid: number;
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  port?: number;
  /** Extra environment for the moto process (e.g. MOTO_AMIS_PATH), on top of motoEnvironment's. */
  env?: Record<string, string>;
  /** How long to wait for moto to answer, ms. */
  readyTimeoutMs?: number;
}

/** A free TCP port on loopback, chosen by the kernel. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** What moto may see of our environment, by exact name. */
const PASSED_NAMES = new Set(['PATH', 'HOME', 'TMPDIR', 'LANG', 'LANGUAGE', 'VIRTUAL_ENV']);
/**
 * …and by prefix: the locale (LC_*), moto's own settings (MOTO_*, e.g. MOTO_AMIS_PATH) and the Python
 * interpreter's (PYTHON* such as PYTHONPATH, PYENV_* for a pyenv-installed moto), which find moto's code.
 */
const PASSED_PREFIXES = ['LC_', 'MOTO_', 'PYTHON', 'PYENV_'];

/**
 * The environment moto runs with: only what it needs to start and to read its settings. Never the
 * operator's AWS credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE…),
 * the shop's Stripe keys or anything else: a child's environment is readable in /proc/PID/environ by
 * every process of the same user, for as long as it runs.
 */
export function motoEnvironment(from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(from)) {
    if (value === undefined) continue;
    if (PASSED_NAMES.has(name) || PASSED_PREFIXES.some((prefix) => name.startsWith(prefix))) env[name] = value;
  }
  return env;
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** How to launch moto here: `moto_server`, else `python3 -m moto.server` if the module imports. */
export async function findMotoCommand(): Promise<{ command: string; args: string[] } | undefined> {
  const server = onPath('moto_server');
  if (server) return { command: server, args: [] };
  const python = onPath('python3');
  if (!python) return undefined;
  const importable = await new Promise<boolean>((resolve) => {
    const child = spawn(python, ['-c', 'import moto.server'], { stdio: 'ignore', env: motoEnvironment() });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
  return importable ? { command: python, args: ['-m', 'moto.server'] } : undefined;
}

async function waitUntilServing(endpoint: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`moto exited with code ${child.exitCode} before serving:\n${output()}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      if (response.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto did not answer on ${endpoint} within ${timeoutMs} ms:\n${output()}`);
}

/** Start moto in server mode on a loopback port, as a child process that dies with us. */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const launcher = await findMotoCommand();
  if (!launcher) throw new MotoMissingError();
  const port = options.port ?? (await freeLoopbackPort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(launcher.command, [...launcher.args, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...motoEnvironment(), ...options.env },
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  try {
    await waitUntilServing(endpoint, child, options.readyTimeoutMs ?? 20_000, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    process.removeListener('exit', killOnExit);
    throw error;
  }

  return {
    endpoint,
    port,
    pid: child.pid ?? 0,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
  };
}
