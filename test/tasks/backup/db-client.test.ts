import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupAccountCommand, clientCommand, DUMP_FLAGS, dumpCommand, listDatabasesCommand, restoreCommand } from '../../../src/tasks/backup/db-client.js';
import { stubDir, type StubDir } from './shell.js';

/**
 * The remote command lines of the dumps and the restore, run by a real bash against stub `mariadb` /
 * `mariadb-dump` commands: a password the tool holds reaches the client through the option file and
 * nowhere else, any password reads back byte for byte (MariaDB's own option parser, my_print_defaults,
 * reads the file); the dumps run as the backup account's option file; a failing dump or a broken gzip
 * makes the whole pipe fail.
 */

const endpoint = { host: 'db.example.internal', port: 3306 };
let stubs: StubDir;

beforeAll(async () => {
  stubs = await stubDir();
  // Records its argv and environment, then prints what MariaDB's option parser reads from the file.
  const recorder = (name: string) =>
    `#!/bin/bash\nprintf '%s\\n' "$@" > '${join('$DIR', `${name}.argv`)}'\nprintf '%s' "\${MARIADB_LOGIN_PASSWORD-unset}" > '${join('$DIR', `${name}.env`)}'\nexec my_print_defaults "$1" client\n`;
  await stubs.stub('mariadb', recorder('mariadb').replaceAll('$DIR', stubs.dir));
});
afterAll(async () => {
  await stubs?.remove();
});

describe('clientCommand', () => {
  const passwords = ['plain', 'a"b\\c#d e', "it's", '$HOME `id` $(id) ;|&', 'ends with a backslash \\', '\\"', 'ünïcødé ✓', '  spaces  '];
  for (const password of passwords) {
    it(`hands ${JSON.stringify(password)} to the tool through the option file only`, async () => {
      const result = await stubs.bash(clientCommand('mariadb', endpoint, 'admin', ['-e', "'SELECT 1'"]), { MARIADB_LOGIN_PASSWORD: password });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toBe(`--password=${password}\n`);
      const argv = (await readFile(join(stubs.dir, 'mariadb.argv'), 'utf8')).split('\n');
      expect(argv[0]).toMatch(/^--defaults-extra-file=\/dev\/fd\/\d+$/);
      expect(argv.slice(1, -1)).toEqual(['--host=db.example.internal', '--port=3306', '--user=admin', '-e', 'SELECT 1']);
      expect(argv.join('\n')).not.toContain(password.trim());
      // Not even in the tool's environment: the shell unset it before starting the tool.
      expect(await readFile(join(stubs.dir, 'mariadb.env'), 'utf8')).toBe('unset');
    });
  }

  it('quotes the host and user as single shell words, and refuses a port that is not one', () => {
    expect(clientCommand('mariadb', { host: "a b'c", port: 1 }, 'x y', [])).toContain(`--host='a b'\\''c' --port=1 --user='x y'`);
    expect(() => clientCommand('mariadb', { host: 'h', port: 70000 }, 'u', [])).toThrow(/not a port/);
  });

  it('the backup account: its root-only option file first, no password anywhere; SHOW DATABASES lists what it may read', () => {
    expect(backupAccountCommand('mariadb', ['-e', "'SELECT 1'"])).toBe("mariadb --defaults-extra-file='/etc/aws-runbook/db-backup.cnf' -e 'SELECT 1'");
    expect(listDatabasesCommand()).toBe("mariadb --defaults-extra-file='/etc/aws-runbook/db-backup.cnf' -N -B -e 'SHOW DATABASES'");
  });
});

describe('dumpCommand', () => {
  it('dumps as the backup account with the flags the account\'s grants allow, and gzips the output', async () => {
    const dir = await stubDir();
    try {
      await dir.stub('mariadb-dump', `#!/bin/bash\nprintf '%s\\n' "$@" > '${dir.dir}/argv'\nprintf -- '-- dump of %s\\nINSERT INTO t VALUES (1);\\n' "\${@: -1}"\n`);
      const result = await dir.bash(dumpCommand('shop'));
      expect(result.exitCode, result.stderr).toBe(0);
      expect(gunzipSync(result.stdoutBytes).toString()).toBe('-- dump of shop\nINSERT INTO t VALUES (1);\n');
      const argv = (await readFile(join(dir.dir, 'argv'), 'utf8')).trim().split('\n');
      expect(argv).toEqual(['--defaults-extra-file=/etc/aws-runbook/db-backup.cnf', '--single-transaction', '--no-tablespaces', '--events', '--triggers', '--hex-blob', '--', 'shop']);
      // Routines need SELECT on mysql.proc, which the account does not get (MariaDB would leave them out silently).
      expect(DUMP_FLAGS).not.toContain('--routines');
      expect(() => dumpCommand('-x')).toThrow(/not a database name/);
    } finally {
      await dir.remove();
    }
  });

  it('fails (pipefail) when the dump fails, even though gzip exits 0 after writing what it got', async () => {
    const dir = await stubDir();
    try {
      await dir.stub('mariadb-dump', "#!/bin/bash\necho 'INSERT INTO t VALUES (1);'\necho 'mariadb-dump: Got error: 2013: Lost connection' >&2\nexit 2\n");
      const result = await dir.bash(dumpCommand('shop'));
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('Lost connection');
      // What was dumped before the failure did go through gzip: it is the exit status that must stop the upload.
      expect(gunzipSync(result.stdoutBytes).toString()).toBe('INSERT INTO t VALUES (1);\n');
    } finally {
      await dir.remove();
    }
  });
});

describe('restoreCommand', () => {
  const dumpText = "-- MariaDB dump\nINSERT INTO `orders` VALUES (1,'Zoë');\n";
  let dir: StubDir;
  beforeAll(async () => {
    dir = await stubDir();
    // Records its argv, then what MariaDB's option parser reads from the file, then the SQL it got on stdin.
    await dir.stub('mariadb', `#!/bin/bash\nprintf '%s\\n' "$@" > '${dir.dir}/argv'\nmy_print_defaults "$1" client\ncat\n`);
  });
  afterAll(async () => {
    await dir?.remove();
  });

  it('gunzips the dump on stdin into mariadb, logged in as the app user with the password from the option pipe', async () => {
    const result = await dir.bash(restoreCommand(endpoint, 'shop', 'shop'), { MARIADB_LOGIN_PASSWORD: 'it\'s "the" shop\\pw' }, gzipSync(dumpText));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe(`--password=it's "the" shop\\pw\n${dumpText}`);
    const argv = (await readFile(join(dir.dir, 'argv'), 'utf8')).trim().split('\n');
    expect(argv[0]).toMatch(/^--defaults-extra-file=\/dev\/fd\/\d+$/);
    expect(argv.slice(1)).toEqual(['--host=db.example.internal', '--port=3306', '--user=shop', 'shop']);
    expect(() => restoreCommand(endpoint, 'shop', '--all')).toThrow(/not a database name/);
  });

  it('fails (pipefail) on a truncated or corrupt gzip, though mariadb read what came', async () => {
    const whole = gzipSync(dumpText);
    const truncated = await dir.bash(restoreCommand(endpoint, 'shop', 'shop'), { MARIADB_LOGIN_PASSWORD: 'pw' }, whole.subarray(0, whole.length - 6));
    expect(truncated.exitCode).not.toBe(0);
    expect(truncated.stderr).toMatch(/gzip|unexpected end of file/);
    const garbage = await dir.bash(restoreCommand(endpoint, 'shop', 'shop'), { MARIADB_LOGIN_PASSWORD: 'pw' }, Buffer.from('not gzip at all'));
    expect(garbage.exitCode).not.toBe(0);
  });
});
