import type { Config } from '../../config/schema.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { exec } from '../../ssh/exec.js';
import { ABSENT, present } from '../found.js';
import { aptInstallScript, parseFacts, sshLine } from '../hosts/docker-remote.js';
import { loginStepId } from '../hosts/login-step.js';
import { instanceName } from '../hosts/names.js';
import { BackupHostError, backupHostReady, connectBackupHost } from './host.js';
import { BACKUP_HOST, BACKUP_STEP_IDS } from './names.js';

/**
 * The commands the daily dump needs on the host beyond a stock Ubuntu 24.04 image (bash, coreutils, gzip),
 * and the package of each in noble's own archive (main). curl is in the image already; it signs the upload
 * itself (--aws-sigv4), so no aws CLI is needed (noble has no `awscli` package).
 */
export const BACKUP_TOOLS = [
  { fact: 'mariadb_dump', command: 'mariadb-dump', pkg: 'mariadb-client' },
  { fact: 'curl', command: 'curl', pkg: 'curl' },
] as const;

const PROBE = BACKUP_TOOLS.map((tool) => `echo "${tool.fact}=$(command -v ${tool.command} || true)"`).join('\n');

/** The packages still to install, from the probe's facts. */
export function missingPackages(facts: Record<string, string>): string[] {
  return BACKUP_TOOLS.filter((tool) => !facts[tool.fact]).map((tool) => tool.pkg);
}

async function probe(ctx: StepContext): Promise<Record<string, string>> {
  const result = await exec(await connectBackupHost(ctx), PROBE, { label: 'look for mariadb-dump and curl', signal: ctx.signal, timeoutMs: 30_000 });
  return parseFacts(result.stdout);
}

/**
 * `backup.client-tools` — outputs `mariadbDump`, `curl` (their paths). MariaDB's client tools (the dump
 * runs on the shop host, the one the RDS security group lets in) and curl (the daily timer's upload,
 * signed with the instance role's credentials). Checked with `command -v`, installed with apt from
 * Ubuntu's own archive only when missing.
 */
export function clientToolsStep(config: Config): Step {
  const id = BACKUP_STEP_IDS.tools;
  const host = instanceName(config, BACKUP_HOST);
  return {
    id,
    section: 'backup',
    title: `mariadb-client and curl on ${host}`,
    needs: [loginStepId(BACKUP_HOST)],
    typicalSeconds: 40,

    async find(ctx): Promise<FindResult> {
      if (!backupHostReady(ctx)) return ABSENT;
      const facts = await probe(ctx);
      const missing = missingPackages(facts);
      if (missing.length === BACKUP_TOOLS.length) return ABSENT;
      return present({ mariadbDump: facts['mariadb_dump'] ?? '', curl: facts['curl'] ?? '' }, true, [], missing.map((pkg) => `install ${pkg}`));
    },

    preview(ctx, found) {
      const missing = found.kind === 'present' ? found.unfinished.map((line) => line.replace(/^install /, '')) : BACKUP_TOOLS.map((tool) => tool.pkg);
      if (found.kind === 'present' && missing.length === 0) return { summary: `mariadb-dump and curl are installed on ${host}`, cli: [] };
      return {
        summary: `install ${missing.join(' and ')} on ${host} (apt)`,
        cli: [sshLine(ctx, BACKUP_HOST, `sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`)],
        notes: [
          'Both from Ubuntu 24.04\'s own archive (main). No aws CLI: noble has no `awscli` package; the daily upload is one S3 PutObject that curl (8.5 in noble) signs itself with --aws-sigv4, using the instance role\'s credentials from the instance metadata service (IMDSv2).',
        ],
      };
    },

    async apply(ctx): Promise<Outputs> {
      const connection = await connectBackupHost(ctx);
      const missing = missingPackages(await probe(ctx));
      if (missing.length > 0) {
        await exec(connection, aptInstallScript(missing), {
          sudo: true,
          label: `apt-get install ${missing.join(' ')}`,
          signal: ctx.signal,
          timeoutMs: 15 * 60_000,
          onLine: (line) => ctx.progress(line),
        });
      }
      const facts = await probe(ctx);
      const still = missingPackages(facts);
      if (still.length > 0) {
        const commands = BACKUP_TOOLS.filter((t) => still.includes(t.pkg)).map((t) => t.command);
        throw new BackupHostError(
          `apt installed ${still.join(', ')} on ${host}, but ${commands.join(', ')} is still not on the PATH`,
          `check the host's apt sources (${still.join(', ')} ${still.length > 1 ? 'are' : 'is'} in Ubuntu's main archive), install by hand if need be, then rerun \`aws-runbook up --only backup\``,
        );
      }
      return { mariadbDump: facts['mariadb_dump'] ?? '', curl: facts['curl'] ?? '' };
    },
  };
}
