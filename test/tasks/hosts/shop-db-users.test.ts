import { describe, expect, it } from 'vitest';
import { parseMasterSecret } from '../../../src/tasks/hosts/db-users-master.js';
import {
  accountName,
  appDatabase,
  ensureAppDatabasePreviewSql,
  ensureAppDatabaseSql,
  quoteIdentifier,
  quoteString,
} from '../../../src/tasks/hosts/db-users-sql.js';
import { mariadbCommand } from '../../../src/tasks/hosts/db-users.js';

describe('SQL quoting (MariaDB, default sql_mode)', () => {
  it('quotes identifiers in backticks, doubling a backtick inside', () => {
    expect(quoteIdentifier('shop')).toBe('`shop`');
    expect(quoteIdentifier('we`ird')).toBe('`we``ird`');
    expect(quoteIdentifier("it's; DROP")).toBe("`it's; DROP`");
    expect(() => quoteIdentifier('')).toThrow();
    expect(() => quoteIdentifier('a\0b')).toThrow();
  });

  it('escapes every character that could end or corrupt a string literal', () => {
    expect(quoteString('plain-Pass_123')).toBe("'plain-Pass_123'");
    expect(quoteString("O'Brien")).toBe("'O\\'Brien'");
    expect(quoteString('back\\slash')).toBe("'back\\\\slash'");
    expect(quoteString("end\\'; DROP DATABASE shop; --")).toBe("'end\\\\\\'; DROP DATABASE shop; --'");
    expect(quoteString('nul\0 nl\n cr\r z\x1a')).toBe("'nul\\0 nl\\n cr\\r z\\Z'");
    // The literal never contains an unescaped quote: every ' inside is preceded by an odd run of backslashes.
    const inner = quoteString("a'b\\'c\\\\'d").slice(1, -1);
    for (const match of inner.matchAll(/(\\*)'/g)) expect((match[1] ?? '').length % 2).toBe(1);
  });

  it('names the account as user@host, both quoted', () => {
    expect(accountName(appDatabase('shop'))).toBe("'shop'@'%'");
  });

  it('refuses app names it would not create', () => {
    expect(() => appDatabase('shop; drop')).toThrow(/not a database name/);
    expect(() => appDatabase('')).toThrow();
  });
});

describe('the per-app database statements', () => {
  it('create the database and user if missing, (re)set the password, and grant on that database only', () => {
    const sql = ensureAppDatabaseSql(appDatabase('shop'), "pa'ss");
    expect(sql.trim().split('\n')).toEqual([
      'CREATE DATABASE IF NOT EXISTS `shop` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;',
      "CREATE USER IF NOT EXISTS 'shop'@'%' IDENTIFIED BY 'pa\\'ss';",
      "ALTER USER 'shop'@'%' IDENTIFIED BY 'pa\\'ss';",
      "GRANT ALL PRIVILEGES ON `shop`.* TO 'shop'@'%';",
    ]);
    expect(sql).not.toMatch(/\*\.\*|WITH GRANT OPTION/);
  });

  it('previews without any password', () => {
    const preview = ensureAppDatabasePreviewSql(appDatabase('wordpress'));
    expect(preview).toContain("CREATE USER IF NOT EXISTS 'wordpress'@'%' IDENTIFIED BY <generated, from the env file on the host>;");
  });

  it('runs the client with host, port, user and database quoted, and no password on the command line', () => {
    const command = mariadbCommand({ host: 'db.example', port: 3306 }, 'shop', 'shop');
    expect(command).toBe("mariadb --connect-timeout=10 -h 'db.example' -P 3306 -u 'shop' -D 'shop'");
    expect(command).not.toMatch(/(^|\s)-p|--password/);
  });
});

describe('the RDS-managed master secret', () => {
  const arn = 'arn:aws:secretsmanager:us-east-2:123456789012:secret:rds!db-abc';

  it('reads username and password from the JSON RDS writes', () => {
    expect(parseMasterSecret('{"username":"admin","password":"p@ss\\"w"}', arn)).toEqual({ username: 'admin', password: 'p@ss"w' });
    expect(parseMasterSecret('{"password":"x"}', arn).username).toBe('admin');
  });

  it('fails clearly without quoting the secret text', () => {
    for (const text of [undefined, 'not-json-SECRETVALUE', '{"username":"admin"}', '{"password":""}']) {
      let message = '';
      try {
        parseMasterSecret(text, arn);
      } catch (error) {
        message = `${(error as Error).message} ${(error as { hint: string }).hint}`;
        expect((error as Error).name).toBe('MasterSecretError');
      }
      expect(message).toContain(arn);
      expect(message).not.toContain('SECRETVALUE');
    }
  });
});
