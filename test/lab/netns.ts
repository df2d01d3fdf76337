import { readdir, rm } from 'node:fs/promises';
import { execa } from 'execa';
import { LAB_NAME_PATTERN } from './topology.js';

/** A lab command failed: names the command and where it ran; quotes its stderr (lab commands carry no secret). */
export class LabError extends Error {
  override readonly name = 'LabError';
  constructor(
    message: string,
    /** What to check or do about it. */
    readonly hint: string,
  ) {
    super(message);
  }
}

const ROOT_HINT = 'the lab needs root, iproute2, iptables, openssh-server and mariadb-server (CI installs them in .ci/run)';

/** Run a command (in the root namespace); throws LabError with its stderr on failure. */
export async function run(file: string, args: string[], input?: string): Promise<string> {
  const result = await execa(file, args, { input, reject: false, stripFinalNewline: true });
  if (result.exitCode !== 0 || result.failed) {
    const why = String(result.stderr || result.stdout || result.message || "").trim().split('\n').slice(-5).join('\n');
    throw new LabError(`lab: \`${[file, ...args].join(' ')}\` failed (exit ${result.exitCode ?? 'none'}): ${why}`, ROOT_HINT);
  }
  return result.stdout;
}

/** `ip -batch`: many iproute2 commands in one process, optionally all inside namespace `ns`. */
export async function ipBatch(lines: string[], ns?: string): Promise<void> {
  await run('ip', [...(ns ? ['-n', ns] : []), '-batch', '-'], lines.join('\n') + '\n');
}

export async function inNs(ns: string, file: string, args: string[], input?: string): Promise<string> {
  return run('ip', ['netns', 'exec', ns, file, ...args], input);
}

export async function listNamespaces(): Promise<string[]> {
  const output = await run('ip', ['netns', 'list']);
  return output
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(Boolean);
}

/** Pids of every process whose network namespace is `ns` (`ip netns pids`), or [] when it does not exist. */
export async function nsPids(ns: string): Promise<number[]> {
  const result = await execa('ip', ['netns', 'pids', ns], { reject: false });
  if (result.exitCode !== 0) return [];
  return result.stdout.split('\n').filter(Boolean).map(Number);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/**
 * Ends every process in the namespace (they are all the lab's: sshd, MariaDB, the sessions and the
 * stand-ins' responders), then deletes it. A namespace that does not exist is fine.
 */
export async function destroyNamespace(ns: string): Promise<void> {
  let pids = await nsPids(ns);
  const all = [...pids];
  for (const pid of pids) signal(pid, 'SIGTERM');
  for (let waited = 0; pids.length > 0 && waited < 3000; waited += 50) {
    await sleep(50);
    pids = await nsPids(ns);
  }
  for (const pid of pids) signal(pid, 'SIGKILL');
  for (let waited = 0; pids.length > 0 && waited < 2000; waited += 50) {
    await sleep(50);
    pids = await nsPids(ns);
  }
  await execa('ip', ['netns', 'del', ns], { reject: false });
  // Orphans (a responder whose stand-in has exited) are reaped by pid 1, a moment later: wait for it.
  for (let waited = 0; all.some(alive) && waited < 3000; waited += 50) await sleep(50);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what an earlier lab left behind when its test process died before stop() (SIGKILL, a
 * crashed worker): namespaces and run dirs whose owning pid no longer exists. Labs of live processes,
 * including a parallel test file's, are left alone.
 */
export async function removeStaleLabs(baseDir: string): Promise<void> {
  const dead = (name: string) => {
    const match = LAB_NAME_PATTERN.exec(name);
    return match !== null && !alive(Number(match[1]));
  };
  const namespaces = (await listNamespaces()).filter(dead);
  await Promise.all(namespaces.map(destroyNamespace));
  const dirs = await readdir(baseDir).catch(() => [] as string[]);
  await Promise.all(dirs.filter(dead).map((dir) => rm(`${baseDir}/${dir}`, { recursive: true, force: true })));
}
