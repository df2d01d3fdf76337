import { writeFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResultPromise } from 'execa';
import { assertNoRefusedConnects, CLI, cliEnv } from '../helpers/cli.js';
import { startLab, LAB_BASE_DIR, type Lab, type StartLabOptions } from './lab.js';
import { INTERNET, VPC_CIDRS } from './topology.js';

/**
 * The lab end to end: the lab's hosts, the sandbox (moto + gateway, with the lab map) and the tool, the
 * last two inside the operator namespace (no route out: loopback, and the lab's public addresses through
 * the router). The tool talks to the sandbox on the operator's loopback and reaches hosts over real SSH.
 */
export interface LabRun {
  lab: Lab;
  /** The project directory (aws-runbook.yaml, .aws-runbook/state.json). */
  cwd: string;
  /** The sandbox endpoint, on the operator namespace's loopback. */
  endpoint: string;
  /** Runs `aws-runbook ARGS --endpoint-url ENDPOINT` in the operator namespace; never throws on the exit code. */
  tool(args: string[], options?: { env?: Record<string, string>; timeoutMs?: number; cwd?: string }): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Another project (own config and state) in the same lab, for `tool(args, { cwd })`; `configYaml` replaces the run's extra YAML. */
  newProject(suffix: string, configYaml?: string): Promise<string>;
  /** The state file as the tool left it. */
  state(): Promise<{ steps: Record<string, { status: string; outputs?: Record<string, string> }> }>;
  /** A control request to the gateway (GET log, POST faults…), from inside the operator namespace. */
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  /** The environment for a tool run in the lab started by hand: labToolEnv with the gateway's control token. */
  toolEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export interface LabRunOptions extends StartLabOptions {
  suffix?: string;
  /** Extra YAML for the project config. */
  configYaml?: string;
}

const SANDBOX_PORT = 4566;

/**
 * The tool's environment in the lab: the network guard (test/setup/socket-guard.mjs) lets it reach the
 * lab's own networks — its namespaces' VPC ranges and the documentation ranges playing the internet —
 * and nothing else.
 */
export function labToolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cliEnv({ AWSRB_GUARD_ALLOW: [...Object.values(VPC_CIDRS), INTERNET.subnet, INTERNET.publicRange].join(','), ...extra });
}

export async function startLabRun(options: LabRunOptions = {}): Promise<LabRun> {
  const lab = await startLab(options);
  let sandbox: ResultPromise | undefined;
  try {
    // Under the lab's base dir (not /tmp): the run dir is readable by the lab user, and removed by stop().
    await mkdir(LAB_BASE_DIR, { recursive: true });
    // The lab has no internet: GitLab's apt signing key is there already, as from a mirror (the GitLab step
    // downloads it on a real host and checks its fingerprint).
    await mkdir(lab.hostPath('gitlab', '/etc/apt/keyrings'), { recursive: true });
    await writeFile(lab.hostPath('gitlab', '/etc/apt/keyrings/gitlab-keyring.asc'), '-----BEGIN PGP PUBLIC KEY BLOCK-----\n(lab stand-in)\n', { mode: 0o644 });
    const projects: string[] = [];
    const newProject = async (suffix: string, configYaml = options.configYaml) => {
      const dir = await mkdtemp(join(LAB_BASE_DIR, `${lab.prefix}-project-`));
      projects.push(dir);
      await writeFile(
        join(dir, 'aws-runbook.yaml'),
        [
          `suffix: ${suffix}`,
          'region: us-east-2',
          'access:',
          `  adminCidr: ${lab.adminCidr}`,
          `  publicKeyPath: ${lab.clientKey.privateKeyPath}.pub`,
          `  privateKeyPath: ${lab.clientKey.privateKeyPath}`,
          configYaml ?? '',
        ].join('\n'),
      );
      return dir;
    };
    const cwd = await newProject(options.suffix ?? 'Lab');
    const labFile = join(cwd, 'lab.json');
    await writeFile(labFile, JSON.stringify(lab.labMap()), { mode: 0o600 });
    await writeFile(`${lab.clientKey.privateKeyPath}.pub`, `${lab.clientKey.publicKey.trim()}\n`);
    sandbox = lab.runInOperator(process.execPath, [CLI, 'sandbox', 'serve', '--port', String(SANDBOX_PORT), '--lab', labFile], {
      env: labToolEnv(),
      extendEnv: false,
      reject: false,
      buffer: false,
      stdout: 'pipe',
    });
    const endpoint = `http://127.0.0.1:${SANDBOX_PORT}`;
    const served = await waitForLine(sandbox, 'Press Ctrl-C', 60_000);
    // The gateway's control API answers its owner only: the token `sandbox serve` printed, which the tool
    // reads from AWS_RUNBOOK_SANDBOX_TOKEN (to learn the lab's addresses) and curl sends below.
    const token = /^ {2}export AWS_RUNBOOK_SANDBOX_TOKEN=(\S+)/m.exec(served)?.[1];
    if (!token) throw new Error(`sandbox serve printed no control token:\n${served}`);

    const toolEnv: LabRun['toolEnv'] = (extra = {}) => labToolEnv({ AWS_RUNBOOK_SANDBOX_TOKEN: token, ...extra });
    const tool: LabRun['tool'] = async (args, toolOptions = {}) => {
      const result = await lab.runInOperator(process.execPath, [CLI, ...args, '--endpoint-url', endpoint], {
        cwd: toolOptions.cwd ?? cwd,
        env: toolEnv(toolOptions.env),
        extendEnv: false,
        reject: false,
        timeout: toolOptions.timeoutMs ?? 180_000,
      });
      assertNoRefusedConnects(String(result.stderr), `aws-runbook ${args[0] ?? ''} in the lab`);
      return { code: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
    };
    const control: LabRun['control'] = async (method, path, body) => {
      const args = ['-sS', '-X', method, '-H', `Authorization: Bearer ${token}`, `${endpoint}/_sandbox/${path}`, ...(body === undefined ? [] : ['-d', JSON.stringify(body)])];
      const result = await lab.runInOperator('curl', args, { reject: false });
      const text = String(result.stdout);
      return text ? (JSON.parse(text) as unknown) : undefined;
    };
    return {
      lab,
      cwd,
      endpoint,
      tool,
      newProject,
      control,
      toolEnv,
      state: async () => JSON.parse(await readFile(join(cwd, '.aws-runbook', 'state.json'), 'utf8')),
      stop: async () => {
        sandbox?.kill('SIGINT');
        await Promise.race([sandbox, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        await lab.stop();
        await Promise.all(projects.map((dir) => rm(dir, { recursive: true, force: true })));
      },
    };
  } catch (error) {
    sandbox?.kill('SIGKILL');
    await lab.stop();
    throw error;
  }
}

/** Resolves with the child's output so far once it holds `text`. */
function waitForLine(child: ResultPromise, text: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`the lab sandbox did not start within ${timeoutMs} ms:\n${seen}`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
    child.then(
      (result) => {
        clearTimeout(timer);
        reject(new Error(`the lab sandbox exited (${result.exitCode}): ${String(result.stderr)}`));
      },
      reject,
    );
  });
}
