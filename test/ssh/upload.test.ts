import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_MARKER, RemoteCommandError, SshPool, UploadError, uploadArchive, uploadFile, type SshConnection } from '../../src/ssh/index.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';
import { hostFor } from './fixture.js';

let sshd: TestSshd;
let pool: SshPool;
let host: SshConnection;
let dir: string; // the "remote" directory (the host is this machine)
let local: string;

/** Leftover upload temp files in /tmp (only this file uploads, so any is ours). */
const tempsInTmp = () => readdirSync('/tmp').filter((name) => name.startsWith('.aws-runbook-upload.'));
const stagedIn = (path: string) => readdirSync(path).filter((name) => name.includes('.aws-runbook.'));

beforeAll(async () => {
  sshd = await startSshd({ address: '127.0.0.5' });
  pool = new SshPool([hostFor(sshd, sshd.makeClientKey(), 'shop')]);
  host = await pool.get('shop');
  dir = mkdtempSync(join(tmpdir(), `awsrb-upload-${process.pid}-`));
  chmodSync(dir, 0o755);
  local = mkdtempSync(join(tmpdir(), `awsrb-upload-local-${process.pid}-`));
});

afterAll(async () => {
  await pool?.closeAll();
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(local, { recursive: true, force: true });
});

describe('uploadFile', () => {
  const secret = 'STRIPE_SECRET_KEY=sk_test_do-not-print-me\n';

  it('writes content with mode 0600 and owner ubuntu, then reports a rerun as unchanged', async () => {
    const path = join(dir, '.env');
    const first = await uploadFile(host, path, secret, { mode: 0o600, owner: 'ubuntu' });
    expect(first).toEqual({ changed: true, contentChanged: true });
    const stat = statSync(path);
    expect(stat.mode & 0o7777).toBe(0o600);
    expect(stat.uid).toBe(sshd.user.uid);
    expect(stat.gid).toBe(sshd.user.gid);
    expect(readFileSync(path, 'utf8')).toBe(secret);

    const again = await uploadFile(host, path, Buffer.from(secret), { mode: 0o600, owner: 'ubuntu' });
    expect(again).toEqual({ changed: false, contentChanged: false });
    expect(statSync(path).ino).toBe(stat.ino); // not even rewritten
    expect(tempsInTmp()).toEqual([]);
    expect(stagedIn(dir)).toEqual([]);
  });

  it('repairs mode and owner without rewriting identical content', async () => {
    const path = join(dir, 'config.yml');
    await uploadFile(host, path, 'a: 1\n', { mode: 0o644 });
    chmodSync(path, 0o666);
    const inode = statSync(path).ino;
    expect(await uploadFile(host, path, 'a: 1\n', { mode: 0o644 })).toEqual({ changed: true, contentChanged: false });
    expect(statSync(path).mode & 0o7777).toBe(0o644);
    expect(statSync(path).uid).toBe(0);
    expect(statSync(path).ino).toBe(inode);
  });

  it('replaces changed content by renaming a complete file over the old one', async () => {
    const path = join(dir, 'compose.yml');
    await uploadFile(host, path, 'v: 1\n', { mode: 0o640, owner: 'ubuntu', group: 'root' });
    const before = statSync(path).ino;
    expect(await uploadFile(host, path, 'v: 2\n', { mode: 0o640, owner: 'ubuntu', group: 'root' })).toEqual({ changed: true, contentChanged: true });
    expect(readFileSync(path, 'utf8')).toBe('v: 2\n');
    expect(statSync(path).ino).not.toBe(before);
    expect(statSync(path).gid).toBe(0);
  });

  it('sends a local file, creating missing directories when asked', async () => {
    const source = join(local, 'big.bin');
    writeFileSync(source, Buffer.alloc(3 * 1024 * 1024, 7));
    const path = join(dir, 'nested', 'deeper', 'big.bin');
    expect(await uploadFile(host, path, { localPath: source }, { mode: 0o600, parents: true })).toEqual({ changed: true, contentChanged: true });
    expect(readFileSync(path).equals(readFileSync(source))).toBe(true);
    expect(await uploadFile(host, path, { localPath: source }, { mode: 0o600 })).toEqual({ changed: false, contentChanged: false });
  });

  it('refuses a missing directory without parents, never quoting the content', async () => {
    const error = (await uploadFile(host, join(dir, 'absent', '.env'), secret, { mode: 0o600 }).catch((e: unknown) => e)) as UploadError;
    expect(error).toBeInstanceOf(UploadError);
    expect(error.message).toContain('does not exist');
    expect(error.message).not.toContain('sk_test');
  });

  it('removes its temp files when the install step fails', async () => {
    const path = join(dir, 'owned-by-nobody-known');
    const error = (await uploadFile(host, path, secret, { mode: 0o600, owner: 'no-such-user' }).catch((e: unknown) => e)) as RemoteCommandError;
    expect(error).toBeInstanceOf(RemoteCommandError);
    expect(error.label).toBe(`upload ${path} (install)`);
    expect(error.message).not.toContain('sk_test');
    expect(tempsInTmp()).toEqual([]);
    expect(stagedIn(dir)).toEqual([]);
    expect(() => statSync(path)).toThrow();
  });
});

describe('uploadArchive', () => {
  it('unpacks a .tar.gz into a directory for its owner, once', async () => {
    const tree = join(local, 'shop-src');
    mkdirSync(join(tree, 'app'), { recursive: true });
    writeFileSync(join(tree, 'app', 'manage.py'), 'print("hi")\n');
    writeFileSync(join(tree, 'Dockerfile'), 'FROM python:3.12\n');
    const archive = join(local, 'shop.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', tree, '.']);

    const target = join(dir, 'opt-shop');
    expect(await uploadArchive(host, archive, target, { owner: 'ubuntu' })).toEqual({ changed: true, contentChanged: true });
    expect(readFileSync(join(target, 'app', 'manage.py'), 'utf8')).toBe('print("hi")\n');
    expect(statSync(join(target, 'Dockerfile')).uid).toBe(sshd.user.uid);
    expect(readFileSync(join(target, ARCHIVE_MARKER), 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(await uploadArchive(host, archive, target, { owner: 'ubuntu' })).toEqual({ changed: false, contentChanged: false });
    expect(tempsInTmp()).toEqual([]);
  });
});
