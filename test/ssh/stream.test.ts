import { createHash } from 'node:crypto';
import { Duplex, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteCommandAbortedError, RemoteCommandError, SshPool, streamCommand, type SshConnection } from '../../src/ssh/index.js';
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
