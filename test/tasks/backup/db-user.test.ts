import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { missingPackages } from '../../../src/tasks/backup/client-tools-step.js';
import { BACKUP_PRIVILEGES, backupUserUnfinished, dropBackupUserSql, ensureBackupUserSql, optionFileContent, OWN_PRIVILEGES_SQL, wantedPrivileges } from '../../../src/tasks/backup/db-user-sql.js';
import { timerUnfinished } from '../../../src/tasks/backup/timer-step.js';
import { timerFiles } from '../../../src/tasks/backup/timer-units.js';

const endpoint = { host: 'database-1-bfhk.abc.us-east-2.rds.amazonaws.com', port: 3306 };
const good = {
  file: '600:root:root',
  host: endpoint.host,
  port: '3306',
  user: 'awsrb_backup',
  login: 'ok',
  // As MariaDB 10.11 answers OWN_PRIVILEGES_SQL for the account (read from a real server): USAGE is "no global privilege".
  privileges: [
    'EVENT ON shop',
    'EVENT ON wordpress',
    'LOCK TABLES ON shop',
    'LOCK TABLES ON wordpress',
    'SELECT ON shop',
    'SELECT ON wordpress',
    'SHOW VIEW ON shop',
    'SHOW VIEW ON wordpress',
    'TRIGGER ON shop',
    'TRIGGER ON wordpress',
    'USAGE',
  ].join(','),
};

describe('the backup database account', () => {
  it('is created if missing, gets the new password, and exactly the dump privileges on each app database: nothing global, nothing on mysql', () => {
    const sql = ensureBackupUserSql('Zx9_-pw');
    expect(sql.split('\n').filter(Boolean)).toEqual([
      "CREATE USER IF NOT EXISTS 'awsrb_backup'@'%' IDENTIFIED BY 'Zx9_-pw';",
      "ALTER USER 'awsrb_backup'@'%' IDENTIFIED BY 'Zx9_-pw';",
      "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'awsrb_backup'@'%';",
      "GRANT EVENT, LOCK TABLES, SELECT, SHOW VIEW, TRIGGER ON `shop`.* TO 'awsrb_backup'@'%';",
      "GRANT EVENT, LOCK TABLES, SELECT, SHOW VIEW, TRIGGER ON `wordpress`.* TO 'awsrb_backup'@'%';",
    ]);
    expect(sql).not.toMatch(/ON \*\.\*|mysql/);
    expect(wantedPrivileges(['a'])).toEqual(['EVENT ON a', 'LOCK TABLES ON a', 'SELECT ON a', 'SHOW VIEW ON a', 'TRIGGER ON a']);
    // `_` and `%` are wildcards in a database-level grant: refused rather than granted on more than meant.
    expect(() => ensureBackupUserSql('pw', ['my_shop'])).toThrow(/letters and digits only/);
    expect(() => ensureBackupUserSql('pw', ['%'])).toThrow(/letters and digits only/);
    expect(ensureBackupUserSql("it's")).toContain("IDENTIFIED BY 'it\\'s';");
    expect(dropBackupUserSql()).toBe("DROP USER IF EXISTS 'awsrb_backup'@'%';\n");
    // Write-free: nothing that changes data.
    expect(BACKUP_PRIVILEGES.filter((p) => /INSERT|UPDATE|DELETE|DROP|ALTER|CREATE|SUPER|FILE|GRANT/.test(p))).toEqual([]);
  });

  it('has an option file with the endpoint, the account and the password, refusing what it cannot hold', () => {
    const text = optionFileContent(endpoint, 'Zx9_-pw');
    expect(text).toContain('[client]\nhost=database-1-bfhk.abc.us-east-2.rds.amazonaws.com\nport=3306\nuser=awsrb_backup\npassword="Zx9_-pw"\n');
    expect(() => optionFileContent(endpoint, 'a"b')).toThrow(/quote/);
  });

  it('asks information_schema for its own rows only (global SELECT would show everyone’s)', () => {
    expect(OWN_PRIVILEGES_SQL.match(/WHERE GRANTEE = CONCAT\(QUOTE\(SUBSTRING_INDEX\(CURRENT_USER\(\)/g)).toHaveLength(2);
  });

  it('is as wanted only when the file is root-only, points at the endpoint and logs in with exactly the privileges', () => {
    expect(backupUserUnfinished(good, endpoint)).toEqual([]);
    expect(backupUserUnfinished({ file: 'absent' }, endpoint)).toEqual(['write /etc/aws-runbook/db-backup.cnf and create the database account awsrb_backup']);
    expect(backupUserUnfinished({ ...good, file: '644:root:root' }, endpoint)).toEqual(['/etc/aws-runbook/db-backup.cnf is 644:root:root, not 600 root:root: rewrite it']);
    expect(backupUserUnfinished({ ...good, host: 'old.example' }, endpoint)[0]).toMatch(/points at old\.example:3306, not the RDS endpoint/);
    expect(backupUserUnfinished({ ...good, login: 'failed' }, endpoint)).toEqual(['the account awsrb_backup does not log in with /etc/aws-runbook/db-backup.cnf: reset its password']);
    // The account of an older run (global grants) and anything added by hand are not as wanted.
    expect(backupUserUnfinished({ ...good, privileges: 'EVENT,LOCK TABLES,SELECT,SHOW VIEW,TRIGGER' }, endpoint)).toEqual([
      'the account awsrb_backup has EVENT, LOCK TABLES, SELECT, SHOW VIEW, TRIGGER, not exactly EVENT, LOCK TABLES, SELECT, SHOW VIEW, TRIGGER on shop and wordpress',
    ]);
    expect(backupUserUnfinished({ ...good, privileges: `${good.privileges},SELECT` }, endpoint)).toHaveLength(1);
    expect(backupUserUnfinished({ ...good, privileges: `${good.privileges},SELECT ON mysql` }, endpoint)).toHaveLength(1);
    expect(backupUserUnfinished({ ...good, privileges: good.privileges.replace('TRIGGER ON wordpress,', '') }, endpoint)).toHaveLength(1);
    // Before the database step has an endpoint, only the endpoint is not checked.
    expect(backupUserUnfinished({ ...good, host: 'anything' }, undefined)).toEqual([]);
  });
});

describe('what the host steps still have to do', () => {
  it('client tools: the packages of the commands not on the PATH', () => {
    // Only packages of noble's own archive: no awscli (noble has none; the upload is curl's).
    expect(missingPackages({ mariadb_dump: '/usr/bin/mariadb-dump', curl: '' })).toEqual(['curl']);
    expect(missingPackages({})).toEqual(['mariadb-client', 'curl']);
    expect(missingPackages({ mariadb_dump: '/usr/bin/mariadb-dump', curl: '/usr/bin/curl' })).toEqual([]);
  });

  it('timer: every file whose hash or mode differs, and the timer unless enabled and active', () => {
    const files = timerFiles({ bucket: 'b1', region: 'us-east-2' });
    const facts = Object.fromEntries(files.map((f) => [f.fact, `${createHash('sha256').update(f.content).digest('hex')}:${f.mode.toString(8)}`]));
    expect(timerUnfinished({ ...facts, enabled: 'enabled', active: 'active' }, files)).toEqual([]);
    expect(timerUnfinished({ ...facts, service: 'absent', script: facts['script']!.replace(/755$/, '644'), enabled: 'enabled', active: 'inactive' }, files)).toEqual([
      'write /usr/local/bin/aws-runbook-db-backup',
      'write /etc/systemd/system/aws-runbook-db-backup.service',
      'enable and start aws-runbook-db-backup.timer',
    ]);
    // Another bucket: the service file (its Environment) is rewritten.
    expect(timerUnfinished({ ...facts, enabled: 'enabled', active: 'active' }, timerFiles({ bucket: 'b2', region: 'us-east-2' }))).toEqual([
      'write /etc/systemd/system/aws-runbook-db-backup.service',
    ]);
  });
});
