/**
 * `aws-runbook backup` on a small and on a ≥ 500 MB dump, in the namespace lab (needs root): the real
 * CLI in the operator namespace, mariadb-dump | gzip on the shop host over real SSH through the bastion,
 * the multipart upload into the sandbox's S3 (moto). Samples the tool's RSS from /proc while it runs:
 * the peak must not grow with the dump (printed, never asserted).
 *
 * The data is random bytes (RANDOM_BYTES, a MyISAM table for a quick load): the worst case for the
 * tool, since gzip cannot shrink it, so nearly every dumped byte (hex, --hex-blob) crosses the tool.
 *
 *   npm run bench:backup                    # 30 and 280 MB of rows: dumps of ≈ 60 and ≈ 560 MB (hex doubles them)
 *   BENCH_LARGE_MB=1200 npm run bench:backup  # MB of rows of the large database
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { backupAccountCommand, DUMP_FLAGS } from '../src/tasks/backup/db-client.js';
import { shopTestInput } from '../test/fixtures/shop/index.js';
import { CLI } from '../test/helpers/cli.js';
import { startLabRun, type LabRun } from '../test/lab/lab-run.js';

const DB_HOST = '10.1.2.10';
const SMALL_MB = Number(process.env.BENCH_SMALL_MB ?? 30);
const LARGE_MB = Number(process.env.BENCH_LARGE_MB ?? 280);
const MB = 1_000_000;

if (process.getuid?.() !== 0) {
  console.error('bench/backup-stream.ts builds a network-namespace lab: run it as root (CI is root).');
  process.exit(2);
}

async function sql(run: LabRun, statements: string): Promise<string> {
  const result = await run.lab.exec('db', `mariadb -h ${DB_HOST} -u ${run.lab.db.adminUser} -N -B`, {
    input: statements,
    env: { MYSQL_PWD: run.lab.db.adminPassword() },
    timeoutMs: 30 * 60_000,
  });
  if (result.exitCode !== 0) throw new Error(`SQL failed: ${result.stderr}`);
  return result.stdout.trim();
}

/**
 * `mb` MB of random bytes (1 KiB rows) in a table of an application database (the backup account reads
 * those only: shop and wordpress), loaded in 50 MB batches.
 */
async function makeDatabase(run: LabRun, name: string, mb: number): Promise<void> {
  await sql(run, `CREATE TABLE ${name}.bench_blobs (id INT PRIMARY KEY, b VARBINARY(1024)) ENGINE=MyISAM;`);
  const rows = Math.ceil((mb * MB) / 1024);
  for (let from = 1; from <= rows; from += 50_000) {
    const to = Math.min(rows, from + 49_999);
    await sql(run, `USE ${name}; INSERT INTO bench_blobs SELECT seq, RANDOM_BYTES(1024) FROM seq_${from}_to_${to};`);
  }
}

/** Bytes of the dump itself (uncompressed), measured on the shop host as the backup account, with the same flags. */
async function dumpSize(run: LabRun, name: string): Promise<number> {
  const result = await run.lab.exec('ecommerce', `${backupAccountCommand('mariadb-dump', [...DUMP_FLAGS, '--', name])} | wc -c`, { timeoutMs: 30 * 60_000 });
  return Number(result.stdout.trim());
}

interface Sample {
  ms: number;
  rssKiB: number;
}

function readStatus(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: field('VmRSS'), hwm: field('VmHWM') };
  } catch {
    return undefined; // exited
  }
}

async function backup(run: LabRun, database: string) {
  const started = performance.now();
  // `ip netns exec` execs the command: the child's pid is the tool's own node process.
  const child = run.lab.runInOperator(process.execPath, [CLI, 'backup', '--database', database, '--endpoint-url', run.endpoint], {
    cwd: run.cwd,
    env: run.toolEnv(),
    extendEnv: false,
    reject: false,
    timeout: 60 * 60_000,
  });
  const samples: Sample[] = [];
  let hwm = 0;
  const timer = setInterval(() => {
    const status = child.pid ? readStatus(child.pid) : undefined;
    if (!status) return;
    samples.push({ ms: performance.now() - started, rssKiB: status.rss });
    if (status.hwm > hwm) hwm = status.hwm;
  }, 50);
  const result = await child;
  clearInterval(timer);
  if (result.exitCode !== 0) throw new Error(`backup of ${database} failed (${result.exitCode}):\n${String(result.stdout)}\n${String(result.stderr)}`);
  const uploaded = /: (\d+) bytes/.exec(String(result.stdout));
  return { ms: performance.now() - started, samples, hwmKiB: hwm, bytes: Number(uploaded?.[1] ?? NaN), stdout: String(result.stdout).trim() };
}

const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;

function report(label: string, dumpBytes: number, run: Awaited<ReturnType<typeof backup>>): void {
  // A sample taken as the process exits can miss its VmRSS line.
  const rss = run.samples.map((s) => s.rssKiB).filter(Number.isFinite);
  // "start": once the tool has loaded (the first second), before the bulk of the stream.
  const start = run.samples.find((s) => s.ms >= 1000 && Number.isFinite(s.rssKiB))?.rssKiB ?? rss[0] ?? NaN;
  const peak = Math.max(...rss);
  const seconds = run.ms / 1000;
  console.log(`${label}: dump ${(dumpBytes / MB).toFixed(0)} MB, uploaded ${(run.bytes / MB).toFixed(0)} MB (gzip) in ${seconds.toFixed(1)} s`);
  console.log(`  throughput: ${(dumpBytes / MB / seconds).toFixed(1)} MB/s of dump, ${(run.bytes / MB / seconds).toFixed(1)} MB/s through the tool`);
  console.log(`  tool RSS: start ${mib(start)}, peak sampled ${mib(peak)}, peak (VmHWM) ${mib(run.hwmKiB)}, samples ${rss.length}`);
  const deciles = [0.1, 0.3, 0.5, 0.7, 0.9].map((q) => mib(rss[Math.floor(q * (rss.length - 1))] ?? NaN));
  console.log(`  RSS at 10/30/50/70/90 % of the run: ${deciles.join(', ')}`);
}

const input = shopTestInput();
const run = await startLabRun({ suffix: 'BenchBackup', configYaml: input.configYaml });
try {
  mkdirSync(run.lab.hostPath('gitlab', '/etc/apt/keyrings'), { recursive: true });
  writeFileSync(run.lab.hostPath('gitlab', '/etc/apt/keyrings/gitlab-keyring.asc'), '-----BEGIN PGP PUBLIC KEY BLOCK-----\n(lab stand-in)\n');
  const up = await run.tool(['up', '--yes'], { env: input.env, timeoutMs: 600_000 });
  if (up.code !== 0) throw new Error(`up failed:\n${up.stdout}\n${up.stderr}`);

  const loadStarted = performance.now();
  // The small one in WordPress's database, the large one in the shop's (the apps' own tables are tiny here).
  await makeDatabase(run, 'wordpress', SMALL_MB);
  await makeDatabase(run, 'shop', LARGE_MB);
  const [smallDump, largeDump] = [await dumpSize(run, 'wordpress'), await dumpSize(run, 'shop')];
  console.log(`loaded ${SMALL_MB} + ${LARGE_MB} MB of random rows and measured the dumps in ${((performance.now() - loadStarted) / 1000).toFixed(0)} s`);

  const small = await backup(run, 'wordpress');
  report('small', smallDump, small);
  const large = await backup(run, 'shop');
  report('large', largeDump, large);
  console.log(
    `peak RSS large/small: ${(large.hwmKiB / small.hwmKiB).toFixed(2)} for a dump ${(largeDump / smallDump).toFixed(1)}× bigger ` +
      '(flat: the multipart upload holds at most queueSize + 1 parts of 8 MiB)',
  );
} finally {
  await run.stop();
}
