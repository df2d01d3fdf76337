import { createHash, createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupScript } from '../../../src/tasks/backup/timer-units.js';
import { CREDENTIALS, IMDS_TOKEN, ROLE } from './curl-stand-in.mjs';
import { stubDir, type StubDir } from './shell.js';

/**
 * The daily script's upload with the REAL curl (the machine's; noble ships 8.5): its ~/.curlrc, which curl
 * reads by default, points it at a loopback metadata service and a loopback TLS "S3" whose certificate the
 * same file trusts. That S3 checks the request as S3 does: the signature recomputed by the AWS SDK's own
 * SigV4 signer (@smithy/signature-v4, which signs every SDK request to S3) from what arrived, the body
 * against x-amz-content-sha256 and Content-Length, and the path against the key URI-encoded as S3 encodes
 * it. No test reaches AWS: this is as close to S3 as a test gets.
 */

const BUCKET_HOST = 'b1.s3.us-east-2.amazonaws.com';

/** @smithy's hash interface on node:crypto (SHA-256, or HMAC-SHA-256 with a secret). */
class NodeSha256 implements Checksum {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', Buffer.from(secret as Uint8Array));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.hash.digest());
  }
  reset(): void {}
}

/** S3's canonical URI for a key: each segment URI-encoded once (RFC 3986 unreserved characters kept). */
function s3Path(key: string): string {
  return `/${key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/')}`;
}

interface Received {
  verdict: string;
  key?: string;
  body?: Buffer;
  signedHeaders?: string[];
}

const body = (request: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

/** What S3 would say about a PutObject, and why. */
async function checkPut(request: IncomingMessage, payload: Buffer): Promise<Received> {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/us-east-2\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(request.headers.authorization ?? '');
  if (request.method !== 'PUT' || !auth) return { verdict: `not a SigV4 PutObject: ${request.method} ${request.headers.authorization}` };
  if (auth[1] !== CREDENTIALS.AccessKeyId) return { verdict: 'InvalidAccessKeyId' };
  if (request.headers['x-amz-content-sha256'] !== createHash('sha256').update(payload).digest('hex')) return { verdict: 'XAmzContentSHA256Mismatch' };
  if (Number(request.headers['content-length']) !== payload.length) return { verdict: 'IncompleteBody' };
  const rawPath = request.url ?? '';
  const key = decodeURIComponent(rawPath.slice(1));
  if (rawPath !== s3Path(key)) return { verdict: `the path ${rawPath} is not the key as S3 encodes it (${s3Path(key)})` };
  const signedHeaders = (auth[3] as string).split(';');
  const amzDate = String(request.headers['x-amz-date']);
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const signer = new SignatureV4({
    credentials: { accessKeyId: CREDENTIALS.AccessKeyId, secretAccessKey: CREDENTIALS.SecretAccessKey, sessionToken: CREDENTIALS.Token },
    region: 'us-east-2',
    service: 's3',
    sha256: NodeSha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const headers = Object.fromEntries(signedHeaders.map((name) => [name, String(request.headers[name])]));
  const signed = await signer.sign({ method: 'PUT', protocol: 'https:', hostname: BUCKET_HOST, path: rawPath, query: {}, headers }, { signingDate });
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization']))?.[1];
  if (expected !== auth[4]) return { verdict: 'SignatureDoesNotMatch', signedHeaders };
  return { verdict: 'ok', key, body: payload, signedHeaders };
}

let dir: string;
let stubs: StubDir;
let imds: Server;
let s3: Server;
const received: Received[] = [];

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sigv4-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${BUCKET_HOST}`, '-addext', `subjectAltName=DNS:${BUCKET_HOST}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  imds = createHttpServer((request, response) => {
    const token = request.headers['x-aws-ec2-metadata-token'];
    if (request.method === 'PUT' && request.url === '/latest/api/token' && request.headers['x-aws-ec2-metadata-token-ttl-seconds']) return response.end(IMDS_TOKEN);
    if (request.method !== 'GET' || token !== IMDS_TOKEN) return response.writeHead(401).end();
    if (request.url === '/latest/meta-data/iam/security-credentials/') return response.end(ROLE);
    if (request.url === `/latest/meta-data/iam/security-credentials/${ROLE}`) return response.end(JSON.stringify({ Code: 'Success', Type: 'AWS-HMAC', ...CREDENTIALS }, null, 2));
    response.writeHead(404).end();
  });
  s3 = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (request, response) => {
    void body(request)
      .then((payload) => checkPut(request, payload))
      .then((result) => {
        received.push(result);
        if (result.verdict === 'ok') response.writeHead(200).end();
        else response.writeHead(403).end(`<Error><Code>${result.verdict}</Code></Error>`);
      });
  });
  const [imdsPort, s3Port] = [await listen(imds), await listen(s3)];
  stubs = await stubDir();
  writeFileSync(join(stubs.dir, '.curlrc'), [`connect-to = 169.254.169.254:80:127.0.0.1:${imdsPort}`, `connect-to = ${BUCKET_HOST}:443:127.0.0.1:${s3Port}`, `cacert = ${join(dir, 'cert.pem')}`, ''].join('\n'));
  await stubs.stub('mariadb', "#!/bin/bash\nprintf '%s\\n' information_schema shop\n");
  await stubs.stub('mariadb-dump', "#!/bin/bash\nprintf -- '-- dump of %s\\n' \"${@: -1}\"\nseq 1 50000\n");
});
afterAll(async () => {
  await new Promise((resolve) => imds?.close(resolve));
  await new Promise((resolve) => s3?.close(resolve));
  await stubs?.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('the daily upload, signed by the real curl', () => {
  it('is a PutObject S3 accepts: SigV4 as the SDK computes it, session token and payload hash signed, the key encoded as S3 encodes it', async () => {
    const result = await stubs.bash(backupScript(), { BUCKET: 'b1', PREFIX: 'backups/', REGION: 'us-east-2', OPTION_FILE: '/etc/aws-runbook/db-backup.cnf' });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(received.map((r) => r.verdict)).toEqual(['ok']);
    const [put] = received as [Received];
    expect(put.key).toMatch(/^backups\/shop\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\.sql\.gz$/);
    expect(put.signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token', 'content-type', 'x-amz-meta-aws-runbook-database']));
    expect(gunzipSync(put.body as Buffer).toString()).toMatch(/^-- dump of shop\n1\n2\n[\s\S]*\n50000\n$/);
    expect(result.stdout).toBe(`aws-runbook-db-backup: shop -> s3://b1/${put.key}\n`);
  });
});
