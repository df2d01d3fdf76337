import { beforeAll, describe, expect, it } from 'vitest';
import { preinstall } from '../../../src/sandbox/emulation/packages.js';
import { SimulatedDatabase } from '../../../src/sandbox/simulated/database/server.js';
import type { SimulatedWorld } from '../../../src/sandbox/simulated/world.js';
import { backupAccountCommand, clientCommand, DUMP_FLAGS, listDatabasesCommand, PASSWORD_VAR } from '../../../src/tasks/backup/db-client.js';
import { backupUserUnfinished, ensureBackupUserSql, optionFileContent, probeBackupUserScript, wantedPrivileges } from '../../../src/tasks/backup/db-user-sql.js';
import { parseFacts } from '../../../src/tasks/hosts/docker-remote.js';
import { mariadbCommand } from '../../../src/tasks/hosts/db-users.js';
import { appDatabase, ensureAppDatabaseSql } from '../../../src/tasks/hosts/db-users-sql.js';
import { runOn, testWorld } from './helpers.js';

const MASTER = 'master-password-123';

function sql(db: SimulatedDatabase, user: string, password: string, text: string) {
  const session = db.connect(user, password, '10.1.1.10');
  return db.statements(text).map((statement) => db.execute(session, statement.text).result);
}

describe('the simulated MariaDB server', () => {
  it('creates an app database and user as the master; the user logs in to its own database only', () => {
    const db = new SimulatedDatabase({ user: 'admin', password: MASTER });
    sql(db, 'admin', MASTER, ensureAppDatabaseSql(appDatabase('shop'), 'shop-pass-0123456789'));
    sql(db, 'admin', MASTER, 'CREATE DATABASE other;');
    expect(() => db.connect('shop', 'shop-pass-0123456789', '10.1.1.10', 'shop')).not.toThrow();
    expect(() => db.connect('shop', 'wrong', '10.1.1.10')).toThrow(/1045|Access denied for user 'shop'@'10.1.1.10' \(using password: YES\)/);
    expect(() => db.connect('shop', 'shop-pass-0123456789', '10.1.1.10', 'other')).toThrow(/Access denied for user 'shop'@'%' to database 'other'/);
    expect(() => sql(db, 'shop', 'shop-pass-0123456789', "CREATE USER x IDENTIFIED BY 'y';")).toThrow(/CREATE USER privilege/);
    // A rerun of the same statements is harmless: IF NOT EXISTS, and ALTER USER resets the password.
    sql(db, 'admin', MASTER, ensureAppDatabaseSql(appDatabase('shop'), 'new-pass-0123456789'));
    expect(() => db.connect('shop', 'new-pass-0123456789', '10.1.1.10', 'shop')).not.toThrow();
    expect(sql(db, 'shop', 'new-pass-0123456789', 'SHOW DATABASES;')[0]?.rows.flat()).toEqual(['information_schema', 'shop']);
  });

  it('answers the backup account\'s privilege query over information_schema; REVOKE ALL then GRANT leaves exactly the grants', () => {
    const db = new SimulatedDatabase({ user: 'admin', password: MASTER });
    sql(db, 'admin', MASTER, "CREATE USER 'awsrb_backup'@'%' IDENTIFIED BY 'b'; GRANT ALL PRIVILEGES ON `x`.* TO 'awsrb_backup'@'%';");
    sql(db, 'admin', MASTER, ensureBackupUserSql('backup-pass'));
    const self = "CONCAT(QUOTE(SUBSTRING_INDEX(CURRENT_USER(), '@', 1)), '@', QUOTE(SUBSTRING_INDEX(CURRENT_USER(), '@', -1)))";
    const [result] = sql(db, 'awsrb_backup', 'backup-pass', `SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ${self} UNION ALL SELECT CONCAT(PRIVILEGE_TYPE, ' ON ', TABLE_SCHEMA) FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ${self} ORDER BY 1`);
    // As MariaDB answers it (see the lab's SHOW GRANTS): USAGE (no global privilege) and the database-level ones, nothing on `x`.
    expect(result?.rows.flat()).toEqual([...wantedPrivileges(), 'USAGE'].sort());
  });

  it('recognises the statements as the client sends them: split at `;` outside quotes and comments, any password round-trips', () => {
    const db = new SimulatedDatabase({ user: 'admin', password: MASTER });
    expect(db.statements("SELECT 1; -- a comment; not a statement\n# another; comment\nSHOW   DATABASES /* ; */;\n\n  USE `shop`")).toEqual([
      { text: 'SELECT 1', line: 1 },
      { text: 'SHOW DATABASES', line: 3 },
      { text: 'USE `shop`', line: 5 },
    ]);
    // quoteString's escapes (quote, backslash, NUL, newline) and a `;` or `#` inside the literal.
    const password = "p'a;s\\s\nw#rd -- x\0";
    sql(db, 'admin', MASTER, ensureAppDatabaseSql(appDatabase('shop'), password));
    expect(() => db.connect('shop', password, '10.1.1.10', 'shop')).not.toThrow();
    expect(() => db.connect('shop', "p'a;s", '10.1.1.10', 'shop')).toThrow(/1045|Access denied/);
    // A database the account may use but that does not exist (yet): 1049.
    sql(db, 'admin', MASTER, "CREATE USER 'later'@'%' IDENTIFIED BY 'later-pass'; GRANT ALL PRIVILEGES ON `later`.* TO 'later'@'%';");
    expect(() => db.connect('later', 'later-pass', '10.1.1.10', 'later')).toThrow(/Unknown database 'later'/);
    // What a dump of this server holds (a versioned comment MariaDB runs, USE), restored as the app's own user.
    const dump = '-- MariaDB dump 10.19\n--\n-- Current Database: `later`\n--\n\nCREATE DATABASE /*!32312 IF NOT EXISTS*/ `later`;\n\nUSE `later`;\n-- (no table data)\n';
    expect(sql(db, 'later', 'later-pass', dump)).toEqual([undefined, undefined]);
    expect(sql(db, 'later', 'later-pass', dump)).toEqual([undefined, undefined]);
    expect(sql(db, 'later', 'later-pass', 'SHOW DATABASES')[0]?.rows.flat()).toEqual(['information_schema', 'later']);
    expect(() => sql(db, 'later', 'later-pass', 'CREATE DATABASE `shop`;')).toThrow(/Access denied for user 'later'@'%' to database 'shop'/);
  });

  it('refuses what it does not understand with MariaDB\'s syntax error, never a silent success', () => {
    const db = new SimulatedDatabase({ user: 'admin', password: MASTER });
    expect(() => sql(db, 'admin', MASTER, 'INSERT INTO t VALUES (1);')).toThrow(/error in your SQL syntax.*near 'INSERT INTO t/);
    expect(() => sql(db, 'admin', MASTER, "SELECT 'unterminated")).toThrow(/SQL syntax/);
    expect(() => sql(db, 'admin', MASTER, 'SELECT * FROM mysql.user;')).toThrow(/SQL syntax|doesn't exist/);
    for (const statement of ['FLUSH PRIVILEGES', 'DROP DATABASE shop', 'SELECT CURRENT_USER()', "GRANT SUPER ON `shop`.* TO 'admin'@'%'", "GRANT ALL PRIVILEGES ON *.* TO 'admin'@'%'"]) {
      expect(() => sql(db, 'admin', MASTER, statement), statement).toThrow(/You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version/);
    }
  });
});

describe('the mariadb client on a simulated host', () => {
  let world: SimulatedWorld;
  beforeAll(async () => {
    world = await testWorld();
    for (const name of ['ecommerce', 'monitoring'] as const) await preinstall(world.host(name).emulated, ['mariadb-client']);
  });

  it('reaches RDS from a web host only (the RDS security group), with the master password on stdin', async () => {
    const endpoint = { host: world.databaseEndpoint.address, port: world.databaseEndpoint.port };
    const create = ensureAppDatabaseSql(appDatabase('wordpress'), 'wp-pass-0123456789');
    const fromWeb = await runOn(world.host('ecommerce'), `${mariadbCommand(endpoint, 'admin')} --batch`, { secretEnv: { MYSQL_PWD: MASTER }, stdin: create });
    expect(fromWeb).toMatchObject({ code: 0 });
    const fromCyber = await runOn(world.host('monitoring'), `${mariadbCommand(endpoint, 'admin')} --batch`, { secretEnv: { MYSQL_PWD: MASTER }, stdin: create });
    expect(fromCyber.code).toBe(1);
    expect(fromCyber.stderr).toMatch(/ERROR 2002 \(HY000\): Can't connect to server on '10\.1\.2\.20'/);
    const wrong = await runOn(world.host('ecommerce'), `${mariadbCommand(endpoint, 'admin')} -N -e 'SELECT 1'`, { secretEnv: { MYSQL_PWD: 'nope' } });
    expect(wrong.stderr).toMatch(/ERROR 1045 \(28000\): Access denied for user 'admin'@'10\.1\.1\.10'/);
    const listed = await runOn(world.host('ecommerce'), clientCommand('mariadb', endpoint, 'admin', ['-N', '-B', '-e', "'SHOW DATABASES'"]), { secretEnv: { [PASSWORD_VAR]: MASTER } });
    expect(listed.stdout.split('\n')).toContain('wordpress');
  });

  it('the backup account: option file, master SQL through process substitution, the probe reads it back as wanted', async () => {
    const host = world.host('ecommerce');
    const endpoint = { host: world.databaseEndpoint.address, port: world.databaseEndpoint.port };
    await host.fs.mkdir('/etc/aws-runbook', { recursive: true });
    await host.fs.writeFile('/etc/aws-runbook/db-backup.cnf', optionFileContent(endpoint, 'backup-pass-0123'));
    await host.fs.chmod('/etc/aws-runbook/db-backup.cnf', 0o600);
    const master = await runOn(host, clientCommand('mariadb', endpoint, 'admin', []), { secretEnv: { [PASSWORD_VAR]: MASTER }, stdin: ensureBackupUserSql('backup-pass-0123') });
    expect(master).toMatchObject({ code: 0 });
    const facts = parseFacts((await runOn(host, probeBackupUserScript(), { sudo: true })).stdout);
    expect(facts).toMatchObject({ file: '600:root:root', login: 'ok', user: 'awsrb_backup' });
    expect(backupUserUnfinished(facts, endpoint)).toEqual([]);
    // As the backup account: it sees and dumps the application databases, with the flags of every dump, and nothing else.
    expect((await runOn(host, listDatabasesCommand(), { sudo: true })).stdout.split('\n')).toContain('wordpress');
    const dump = await runOn(host, backupAccountCommand('mariadb-dump', [...DUMP_FLAGS, '--', 'wordpress']), { sudo: true });
    expect(dump.stdout).toMatch(/CREATE DATABASE .*`wordpress`/);
    await runOn(host, clientCommand('mariadb', endpoint, 'admin', []), { secretEnv: { [PASSWORD_VAR]: MASTER }, stdin: 'CREATE DATABASE IF NOT EXISTS other;' });
    const other = await runOn(host, backupAccountCommand('mariadb-dump', [...DUMP_FLAGS, '--', 'other']), { sudo: true });
    expect(other.stderr).toMatch(/Access denied for user 'awsrb_backup'@'%' to database 'other'/);
  });
});
