import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, InputStreamError, RemoteCommandAbortedError, RemoteCommandError, SshPool, streamCommand, type SshConnection } from '../../src/ssh/index.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';
import { eventually, hostFor, processesMatching } from './fixture.js';

let sshd: TestSshd;
let pool: SshPool;
let host: SshConnection;

beforeAll(async () => {
  sshd = await startSshd({ address: '127.0.0.6' });
  pool = new SshPool([hostFor(sshd, sshd.makeClientKey(), 'db')]);
  host = await pool.get('db');
});

afterAll(async () => {
  await pool?.closeAll();
  await sshd?.stop();
});

/** Bytes held in the local stream (both sides of the PassThrough). */
const buffered = (stream: Readable) => stream.readableLength + (stream instanceof Duplex ? stream.writableLength : 0);

/** A consumer that counts bytes and is slow: it pauses now and then, as an S3 part upload would. */
function slowCounter(onChunk: () => void = () => undefined) {
  const seen = { bytes: 0, chunks: 0 };
  const sink = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      seen.bytes += chunk.length;
      seen.chunks += 1;
      onChunk();
      if (seen.chunks % 8 === 0) setTimeout(callback, 5);
      else setImmediate(callback);
    },
  });
  return { sink, seen };
}

describe('streamCommand', () => {
  it('streams 50 MB to a slow consumer with back-pressure: the local buffer stays small', async () => {
    const remote = await streamCommand(host, 'head -c 50M /dev/zero', { label: 'dump' });
    let maxBuffered = 0;
    const { sink, seen } = slowCounter(() => {
      maxBuffered = Math.max(maxBuffered, buffered(remote.stdout));
    });
    await pipeline(remote.stdout, sink);
    await expect(remote.done).resolves.toEqual({ code: 0, stderr: '' });
    expect(seen.bytes).toBe(50 * 1024 * 1024);
    // Everything beyond the stream's own high-water marks stayed on the host (SSH window not refilled).
    expect(maxBuffered).toBeLessThan(1024 * 1024);
  });

  it('delivers the bytes unchanged (pipefail and sudo are the command’s business)', async () => {
    const remote = await streamCommand(host, 'set -o pipefail; seq 1 200000 | gzip -1 | gunzip', { sudo: true });
    const hash = createHash('sha256');
    await pipeline(remote.stdout, hash);
    const expected = createHash('sha256').update(Array.from({ length: 200000 }, (_, i) => `${i + 1}\n`).join('')).digest('hex');
    expect(hash.digest('hex')).toBe(expected);
    await expect(remote.done).resolves.toMatchObject({ code: 0 });
  });

  it('fails the stream and the exit promise when the command exits non-zero', async () => {
    const remote = await streamCommand(host, 'set -o pipefail; head -c 200000 /dev/zero; echo "mariadb-dump: Got error: 1045" >&2; false | gzip', {
      label: 'dump the shop database',
    });
    const { sink } = slowCounter();
    const error = (await pipeline(remote.stdout, sink).catch((e: unknown) => e)) as RemoteCommandError;
    expect(error).toBeInstanceOf(RemoteCommandError);
    expect(error.code).toBe(1);
    expect(error.label).toBe('dump the shop database');
    expect(error.stderrTail).toEqual(['mariadb-dump: Got error: 1045']);
    await expect(remote.done).rejects.toBe(error);
  });

  it('stops the remote command when aborted mid-stream', async () => {
    const controller = new AbortController();
    const endless = `head -c 1${process.pid}000000000 /dev/zero`; // its own marker in the process list
    const remote = await streamCommand(host, endless, { signal: controller.signal, label: 'endless' });
    const { sink } = slowCounter(() => controller.abort());
    const error = (await pipeline(remote.stdout, sink).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(RemoteCommandAbortedError);
    await expect(remote.done).rejects.toBeInstanceOf(RemoteCommandAbortedError);
    expect(await eventually(() => processesMatching(endless).length === 0)).toBe(true);
    // The connection is still good for the next command.
    const next = await streamCommand(host, 'echo fine');
    const chunks: Buffer[] = [];
    for await (const chunk of next.stdout) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('fine\n');
  });
});

/** `total` bytes of a repeating pattern in 64 KiB chunks, counting what was pulled; fails after `failAfter` bytes when given. */
function patternSource(total: number, failAfter?: number) {
  const pulled = { bytes: 0 };
  const hash = createHash('sha256');
  const stream = Readable.from(
    (async function* () {
      for (let sent = 0; sent < total; sent += 64 * 1024) {
        if (failAfter !== undefined && sent >= failAfter) throw new Error('GetObject body: socket hang up');
        const chunk = Buffer.alloc(Math.min(64 * 1024, total - sent), sent % 251);
        pulled.bytes += chunk.length;
        hash.update(chunk);
        yield chunk;
      }
    })(),
  );
  return { stream, pulled, sha256: () => hash.digest('hex') };
}

describe('a stream as stdin (the restore: S3 body → SSH → the host)', () => {
  it('pipes 40 MB after the secret lines, byte for byte, pulling only as fast as the host reads', async () => {
    const source = patternSource(40 * 1024 * 1024);
    const started = exec(host, 'printf "%s\\n" "$SECRET_WORD"; sleep 1; sha256sum | cut -d" " -f1', {
      label: 'restore',
      secretEnv: { SECRET_WORD: 'sésame' },
      stdin: source.stream,
      timeoutMs: 60_000,
    });
    // While the host sleeps, the SSH window fills up and the source is no longer read.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(source.pulled.bytes).toBeLessThan(8 * 1024 * 1024);
    const result = await started;
    expect(result.stdout).toBe(`sésame\n${source.sha256()}\n`);
    expect(source.pulled.bytes).toBe(40 * 1024 * 1024);
  });

  it('a source that fails stops the command before it sees an end of input: no "complete" input is ever acted on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stdin-fail-'));
    try {
      const source = patternSource(20 * 1024 * 1024, 2 * 1024 * 1024);
      // Were the input ended instead of the command stopped, cat would return and the file would appear.
      const error = await exec(host, `cat >/dev/null && touch ${dir}/finished`, { label: 'restore shop', stdin: source.stream, timeoutMs: 60_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputStreamError);
      expect((error as Error).message).toMatch(/^the input of "restore shop" on db \(127\.0\.0\.6:\d+\) failed \(GetObject body: socket hang up\); the remote command was stopped$/);
      expect(source.stream.destroyed).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(existsSync(join(dir, 'finished'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a command that ends first (it refused the input) destroys the source; aborting stops the remote side', async () => {
    const early = patternSource(50 * 1024 * 1024);
    const refused = await exec(host, 'head -c 1000 >/dev/null; echo "ERROR 1044 (42000): Access denied" >&2; exit 1', { stdin: early.stream, allowFailure: true, timeoutMs: 60_000 });
    expect(refused.code).toBe(1);
    expect(await eventually(() => early.stream.destroyed)).toBe(true);
    expect(early.pulled.bytes).toBeLessThan(50 * 1024 * 1024);

    const controller = new AbortController();
    const marker = `sleep 3${process.pid}`;
    const slow = patternSource(50 * 1024 * 1024);
    const running = exec(host, `${marker} & wait; cat >/dev/null`, { stdin: slow.stream, signal: controller.signal, timeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(await eventually(() => processesMatching(marker).length > 0)).toBe(true);
    controller.abort();
    expect(await running).toBeInstanceOf(RemoteCommandAbortedError);
    expect(await eventually(() => processesMatching(marker).length === 0)).toBe(true);
    expect(await eventually(() => slow.stream.destroyed)).toBe(true);
  });
});
