import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import type { LoopbackTarget } from './loopback.js';

/** Headers that describe one connection, not the message; a proxy must not pass them on. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  // The gateway has already answered `100-continue` to the client; moto gets the body straight away.
  'expect',
]);

/** Raw header list (name, value, name, value…) minus hop-by-hop headers, keeping order, case and repeats. */
export function endToEndHeaders(rawHeaders: readonly string[]): string[] {
  const named = new Set(HOP_BY_HOP);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === 'connection') {
      for (const token of (rawHeaders[i + 1] ?? '').split(',')) named.add(token.trim().toLowerCase());
    }
  }
  const kept: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (!named.has(name.toLowerCase())) kept.push(name, rawHeaders[i + 1] as string);
  }
  return kept;
}

export interface ForwardedRequest {
  method: string;
  url: string;
  rawHeaders: readonly string[];
  /** The whole body when it was already read; otherwise `stream` is piped. */
  body?: Buffer;
  stream: IncomingMessage;
  /** Called with every body chunk sent to moto, to keep a copy. */
  onChunk?: (chunk: Buffer) => void;
}

/** Send the request to moto; resolves with moto's answer (headers received, body still streaming). */
export function forwardToTarget(target: LoopbackTarget, agent: Agent, forwarded: ForwardedRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const upstream = httpRequest({
      host: target.host,
      port: target.port,
      method: forwarded.method,
      path: forwarded.url,
      headers: endToEndHeaders(forwarded.rawHeaders),
      agent,
    });
    upstream.on('response', resolve);
    upstream.on('error', reject);
    if (forwarded.body) {
      forwarded.onChunk?.(forwarded.body);
      upstream.end(forwarded.body);
      return;
    }
    if (forwarded.onChunk) forwarded.stream.on('data', forwarded.onChunk);
    // A client that gives up mid-upload must not leave moto with half a body it thinks is whole.
    forwarded.stream.on('close', () => {
      if (!forwarded.stream.complete) upstream.destroy(new Error('client aborted the request'));
    });
    forwarded.stream.on('error', (error) => upstream.destroy(error));
    forwarded.stream.pipe(upstream);
  });
}

export async function readWhole(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A raw header list with its content-length set to `length` (for an answer the gateway rewrote). */
export function withContentLength(rawHeaders: readonly string[], length: number): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.toLowerCase() !== 'content-length') kept.push(name, rawHeaders[i + 1] as string);
  }
  kept.push('Content-Length', String(length));
  return kept;
}
