import { randomBytes } from 'node:crypto';
import type { Config } from '../../config/schema.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { exec } from '../../ssh/exec.js';
import { uploadFile } from '../../ssh/upload.js';
import { ABSENT, present } from '../found.js';
import { DB_INSTANCE_STEP, dbEndpoint, readMasterCredentials, type DbEndpoint } from '../hosts/db-users-master.js';
import { parseFacts, sshLine } from '../hosts/docker-remote.js';
import { instanceName } from '../hosts/names.js';
import { clientCommand, PASSWORD_VAR } from './db-client.js';
import { BACKUP_PRIVILEGES, backupUserUnfinished, dropBackupUserSql, ensureBackupUserSql, optionFileContent, probeBackupUserScript } from './db-user-sql.js';
import { BackupHostError, backupHostReady, connectBackupHost } from './host.js';
import { BACKUP_DATABASES, BACKUP_DB_USER, BACKUP_HOST, BACKUP_STEP_IDS, OPTION_FILE } from './names.js';
import { DB_USER_NOTES } from './seed-notes.js';

const NEW_PASSWORD_VAR = 'BACKUP_DB_PASSWORD';

function knownEndpoint(ctx: StepContext): DbEndpoint | undefined {
  return ctx.output(DB_INSTANCE_STEP, 'endpointAddress') ? dbEndpoint(ctx) : undefined;
}

async function probe(ctx: StepContext): Promise<Record<string, string>> {
  const result = await exec(await connectBackupHost(ctx), probeBackupUserScript(), { sudo: true, label: `check ${OPTION_FILE} and its database account`, signal: ctx.signal, timeoutMs: 60_000 });
  return parseFacts(result.stdout);
}

/** Run SQL as the RDS master user from the backup host (the only kind of host RDS lets in), statements on stdin. */
async function runAsMaster(ctx: StepContext, sql: string, label: string, extraSecrets: Record<string, string> = {}): Promise<void> {
  const master = await readMasterCredentials(ctx);
  await exec(await connectBackupHost(ctx), clientCommand('mariadb', dbEndpoint(ctx), master.username, []), {
    label,
    // The new password is in the SQL on stdin; as a secret it is also redacted from any error.
    secretEnv: { [PASSWORD_VAR]: master.password, ...extraSecrets },
    stdin: sql,
    signal: ctx.signal,
    timeoutMs: 60_000,
  });
}

/**
 * `backup.db-user` — outputs `dbUser`, `optionFile`. The read-only database account every dump runs as
 * (BACKUP_PRIVILEGES on each application database, nothing global), its generated password kept only in
 * a root-only 0600 option file on the shop host. find proves the file logs in with exactly those privileges; otherwise apply writes a new password
 * to the file, then sets it on the account (a run stopped in between is healed by the next one).
 */
export function dbUserStep(config: Config): Step {
  const id = BACKUP_STEP_IDS.dbUser;
  const host = instanceName(config, BACKUP_HOST);
  return {
    id,
    section: 'backup',
    title: `Read-only database account for the dumps (option file on ${host})`,
    needs: [BACKUP_STEP_IDS.tools, DB_INSTANCE_STEP],

    async find(ctx): Promise<FindResult> {
      if (!backupHostReady(ctx)) return ABSENT;
      const facts = await probe(ctx);
      if (facts['file'] === 'absent') return ABSENT;
      return present({ dbUser: BACKUP_DB_USER, optionFile: OPTION_FILE }, true, [], backupUserUnfinished(facts, knownEndpoint(ctx)));
    },

    preview(ctx, found) {
      const endpoint = ctx.ref(DB_INSTANCE_STEP, 'endpointAddress', '$RDS_ENDPOINT');
      if (found.kind === 'present' && found.unfinished.length === 0) {
        return { summary: `the database account ${BACKUP_DB_USER} logs in from ${OPTION_FILE} on ${host}, as wanted`, cli: [], notes: DB_USER_NOTES };
      }
      return {
        summary: `create the database account ${BACKUP_DB_USER} (${BACKUP_PRIVILEGES.join(', ')} on ${BACKUP_DATABASES.join(' and ')}; nothing global) and its 0600 option file ${OPTION_FILE} on ${host}`,
        cli: [
          sshLine(ctx, BACKUP_HOST, `sudo install -m 600 -o root -g root /dev/stdin ${OPTION_FILE} < db-backup.cnf  # [client] host=${endpoint} user=${BACKUP_DB_USER} password=<generated>`),
          sshLine(ctx, BACKUP_HOST, `mariadb -h ${endpoint} -u admin -p  # CREATE USER ${BACKUP_DB_USER}…; REVOKE ALL …; ${BACKUP_DATABASES.map((db) => `GRANT ${BACKUP_PRIVILEGES.join(', ')} ON \`${db}\`.*`).join('; ')} …`),
        ],
        notes: DB_USER_NOTES,
      };
    },

    async apply(ctx): Promise<Outputs> {
      const connection = await connectBackupHost(ctx);
      const endpoint = dbEndpoint(ctx);
      // base64url: nothing to escape in SQL or in the option file.
      const password = randomBytes(24).toString('base64url');
      ctx.secret(password);
      await uploadFile(connection, OPTION_FILE, optionFileContent(endpoint, password), { mode: 0o600, owner: 'root', parents: true, signal: ctx.signal });
      await runAsMaster(ctx, ensureBackupUserSql(password), `create the database account ${BACKUP_DB_USER}`, { [NEW_PASSWORD_VAR]: password });
      const left = backupUserUnfinished(await probe(ctx), endpoint);
      if (left.length > 0) {
        throw new BackupHostError(`the database account ${BACKUP_DB_USER} is still not usable from ${host}: ${left.join('; ')}`, 'check that the master user may grant privileges on the application databases (on RDS it may), then rerun `aws-runbook up --only backup`');
      }
      return { dbUser: BACKUP_DB_USER, optionFile: OPTION_FILE };
    },

    async destroy(ctx) {
      if (!backupHostReady(ctx)) return;
      await runAsMaster(ctx, dropBackupUserSql(), `drop the database account ${BACKUP_DB_USER}`);
      await exec(await connectBackupHost(ctx), `rm -f -- '${OPTION_FILE}'`, { sudo: true, label: `remove ${OPTION_FILE}`, signal: ctx.signal, timeoutMs: 30_000 });
    },

    destroyPreview(ctx) {
      const endpoint = ctx.ref(DB_INSTANCE_STEP, 'endpointAddress', '$RDS_ENDPOINT');
      return {
        summary: `Drop the database account ${BACKUP_DB_USER} and remove ${OPTION_FILE} from ${host}`,
        cli: [sshLine(ctx, BACKUP_HOST, `mariadb -h ${endpoint} -u admin -p -e "DROP USER IF EXISTS '${BACKUP_DB_USER}'@'%'" && sudo rm -f ${OPTION_FILE}`)],
      };
    },
  };
}
