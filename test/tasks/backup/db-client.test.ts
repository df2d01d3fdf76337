import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUMP_FLAGS, dumpCommand, listDatabasesCommand, masterClientCommand } from '../../../src/tasks/backup/db-client.js';
import { stubDir, type StubDir } from './shell.js';

/**
 * The remote command lines of the dumps, run by a real bash against stub `mariadb` / `mariadb-dump`
 * commands: the password reaches the tool through the option file and nowhere else, any password
 * reads back byte for byte (MariaDB's own option parser, my_print_defaults, reads the file), and a
 * failing dump makes the whole pipe fail.
 */

const endpoint = { host: 'db.example.internal', port: 3306 };
let stubs: StubDir;

beforeAll(async () => {
  stubs = await stubDir();
  // Records its argv and environment, then prints what MariaDB's option parser reads from the file.
  const recorder = (name: string) =>
    `#!/bin/bash\nprintf '%s\\n' "$@" > '${join('$DIR', `${name}.argv`)}'\nprintf '%s' "\${DB_PASSWORD-unset}" > '${join('$DIR', `${name}.env`)}'\nexec my_print_defaults "$1" client\n`;
  await stubs.stub('mariadb', recorder('mariadb').replaceAll('$DIR', stubs.dir));
});
afterAll(async () => {
  await stubs?.remove();
});

describe('masterClientCommand', () => {
  const passwords = ['plain', 'a"b\\c#d e', "it's", '$HOME `id` $(id) ;|&', 'ends with a backslash \\', '\\"', 'ünïcødé ✓', '  spaces  '];
  for (const password of passwords) {
    it(`hands ${JSON.stringify(password)} to the tool through the option file only`, async () => {
      const result = await stubs.bash(masterClientCommand('mariadb', endpoint, 'admin', ['-e', "'SELECT 1'"]), { DB_PASSWORD: password });
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
    expect(masterClientCommand('mariadb', { host: "a b'c", port: 1 }, 'x y', [])).toContain(`--host='a b'\\''c' --port=1 --user='x y'`);
    expect(() => masterClientCommand('mariadb', { host: 'h', port: 70000 }, 'u', [])).toThrow(/not a port/);
  });

  it('lists databases with SHOW DATABASES, one per line', () => {
    expect(listDatabasesCommand(endpoint, 'admin')).toMatch(/^mariadb .* -N -B -e 'SHOW DATABASES'$/m);
  });
});

describe('dumpCommand', () => {
  it('dumps with the flags of issue #5 and gzips the output', async () => {
    const dir = await stubDir();
    try {
      await dir.stub('mariadb-dump', `#!/bin/bash\nprintf '%s\\n' "$@" > '${dir.dir}/argv'\nprintf -- '-- dump of %s\\nINSERT INTO t VALUES (1);\\n' "\${@: -1}"\n`);
      const result = await dir.bash(dumpCommand(endpoint, 'admin', 'shop'), { DB_PASSWORD: 'pw' });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(gunzipSync(result.stdoutBytes).toString()).toBe('-- dump of shop\nINSERT INTO t VALUES (1);\n');
      const argv = (await readFile(join(dir.dir, 'argv'), 'utf8')).trim().split('\n');
      expect(argv.slice(4)).toEqual([...DUMP_FLAGS, '--', 'shop']);
      expect(DUMP_FLAGS).toEqual(expect.arrayContaining(['--single-transaction', '--routines', '--events', '--triggers']));
    } finally {
      await dir.remove();
    }
  });

  it('fails (pipefail) when the dump fails, even though gzip exits 0 after writing what it got', async () => {
    const dir = await stubDir();
    try {
      await dir.stub('mariadb-dump', "#!/bin/bash\necho 'INSERT INTO t VALUES (1);'\necho 'mariadb-dump: Got error: 2013: Lost connection' >&2\nexit 2\n");
      const result = await dir.bash(dumpCommand(endpoint, 'admin', 'shop'), { DB_PASSWORD: 'pw' });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('Lost connection');
      // What was dumped before the failure did go through gzip: it is the exit status that must stop the upload.
      expect(gunzipSync(result.stdoutBytes).toString()).toBe('INSERT INTO t VALUES (1);\n');
    } finally {
      await dir.remove();
    }
  });
});
