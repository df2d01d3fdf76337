/* global process, URL */
// A stand-in for curl (8.5, as in Ubuntu 24.04) towards the two services the daily backup script talks
// to, which no test may reach: the instance metadata service (IMDSv2) and S3. It answers as they do and
// refuses what they refuse, so a script that gets a flag, a header or a signature input wrong fails:
//  - curl: an unknown option is "option X: is unknown" (exit 2); `--config -` reads `name = "value"`
//    lines from stdin (curl's config file syntax), `header` and `user` only; with --fail/--fail-with-body
//    an HTTP error is exit 22.
//  - IMDSv2 (AWS, "Use the Instance Metadata Service to access instance metadata"): a token only for a
//    PUT with X-aws-ec2-metadata-token-ttl-seconds (1-21600), else 400; metadata GETs without that
//    token are 401; the credentials document is the documented JSON.
//  - S3 PutObject (AWS, "Authenticating Requests: Using the Authorization Header"): a request not signed
//    with SigV4 for this region and s3, or with other credentials, or without the session token of
//    temporary credentials, is 403; an x-amz-content-sha256 that is not the body's hash is 400
//    XAmzContentSHA256Mismatch. A stored object is a file under $STORE/objects.
// Every call is recorded in $STORE/curl-calls.jsonl (argv, config lines from stdin, what it answered).
import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const IMDS_TOKEN = 'AQAEAFakeImdsSessionToken_0123456789abcdef==';
export const ROLE = 'aws-runbook-bfhk-us-east-2-db-backup';
export const CREDENTIALS = {
  AccessKeyId: 'ASIAQSTANDIN0EXAMPLE',
  SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYstandinKEY',
  Token: 'IQoJb3JpZ2luX2VjEStandIn/SessionToken+ForTheBackupRole==',
};

const FLAGS = new Set(['-s', '-S', '-sS', '--fail', '--fail-with-body']);
const VALUED = new Set(['--connect-timeout', '--max-time', '--retry', '-X', '-H', '--config', '--aws-sigv4', '--proto', '--upload-file', '-o']);

function parse(argv) {
  const options = { flags: new Set(), headers: [], values: {}, urls: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (FLAGS.has(arg)) options.flags.add(arg);
    else if (VALUED.has(arg)) {
      if (i + 1 >= argv.length) throw Object.assign(new Error(`curl: option ${arg}: requires parameter`), { exit: 2 });
      const value = argv[(i += 1)];
      if (arg === '-H') options.headers.push(value);
      else options.values[arg] = value;
    } else if (arg.startsWith('-')) throw Object.assign(new Error(`curl: option ${arg}: is unknown`), { exit: 2 });
    else options.urls.push(arg);
  }
  return options;
}

function readConfig() {
  const lines = readFileSync(0, 'utf8').split('\n').filter(Boolean);
  const entries = lines.map((line) => {
    const match = /^(\w+) = "([^"\\]*)"$/.exec(line);
    if (!match || !['header', 'user'].includes(match[1])) throw Object.assign(new Error(`curl: config line not understood: ${line}`), { exit: 2 });
    return { name: match[1], value: match[2] };
  });
  return { lines, entries };
}

function headerValue(headers, name) {
  const found = headers.find((h) => h.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return found?.slice(found.indexOf(':') + 1).trim();
}

/** One HTTP exchange: status and body. */
function answer(method, url, headers, user, options) {
  const imds = 'http://169.254.169.254/latest/';
  if (url.startsWith(imds)) {
    const path = url.slice(imds.length);
    if (path === 'api/token') {
      const ttl = Number(headerValue(headers, 'X-aws-ec2-metadata-token-ttl-seconds'));
      if (method !== 'PUT' || !(ttl >= 1 && ttl <= 21600)) return { status: 400, body: 'Bad Request' };
      return { status: 200, body: IMDS_TOKEN };
    }
    if (method !== 'GET') return { status: 405, body: '' };
    if (headerValue(headers, 'X-aws-ec2-metadata-token') !== IMDS_TOKEN) return { status: 401, body: 'Unauthorized' };
    const role = process.env.STAND_IN_ROLE ?? ROLE;
    if (path === 'meta-data/iam/security-credentials/') return role ? { status: 200, body: role } : { status: 404, body: 'Not Found' };
    if (role && path === `meta-data/iam/security-credentials/${role}`) {
      const document = { Code: 'Success', LastUpdated: '2026-11-25T02:55:12Z', Type: 'AWS-HMAC', ...CREDENTIALS, Expiration: '2026-11-25T09:20:27Z' };
      return { status: 200, body: JSON.stringify(document, null, 2).replace(/": /g, '" : ') };
    }
    return { status: 404, body: 'Not Found' };
  }
  const s3 = /^https:\/\/([a-z0-9-]+)\.s3\.([a-z0-9-]+)\.amazonaws\.com\/(.+)$/.exec(url);
  if (!s3) return { status: 0, error: `curl: (6) Could not resolve host: ${new URL(url).hostname}`, exit: 6 };
  const [, bucket, region, path] = s3;
  const denied = (code, message) => ({ status: code === 'XAmzContentSHA256Mismatch' ? 400 : 403, body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>` });
  if (process.env.STAND_IN_S3 === 'deny') return denied('AccessDenied', 'User is not authorized to perform: s3:PutObject');
  if (method !== 'PUT' || !options.values['--upload-file']) return denied('MethodNotAllowed', 'only PutObject is stood in for');
  if (options.values['--aws-sigv4'] !== `aws:amz:${region}:s3`) return denied('AccessDenied', 'not signed with SigV4 for s3 in this region');
  if (user !== `${CREDENTIALS.AccessKeyId}:${CREDENTIALS.SecretAccessKey}`) return denied('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  if (headerValue(headers, 'x-amz-security-token') !== CREDENTIALS.Token) return denied('InvalidToken', 'The provided token is malformed or otherwise invalid.');
  const file = options.values['--upload-file'];
  const body = readFileSync(file);
  if (headerValue(headers, 'x-amz-content-sha256') !== createHash('sha256').update(body).digest('hex')) return denied('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  const key = decodeURIComponent(path);
  const target = join(process.env.STORE, 'objects', bucket, key);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
  const mode = (p) => (statSync(p).mode & 0o777).toString(8);
  return { status: 200, body: '', stored: { bucket, key, fileMode: mode(file), dirMode: mode(dirname(file)), contentType: headerValue(headers, 'Content-Type') } };
}

function main() {
  const argv = process.argv.slice(2);
  const record = { argv };
  try {
    const options = parse(argv);
    const config = options.values['--config'] === '-' ? readConfig() : { lines: [], entries: [] };
    record.config = config.lines;
    if (options.urls.length !== 1) throw Object.assign(new Error('curl: this stand-in takes exactly one URL'), { exit: 2 });
    const headers = [...options.headers, ...config.entries.filter((e) => e.name === 'header').map((e) => e.value)];
    const user = config.entries.find((e) => e.name === 'user')?.value;
    const method = options.values['-X'] ?? (options.values['--upload-file'] ? 'PUT' : 'GET');
    const result = answer(method, options.urls[0], headers, user, options);
    Object.assign(record, { status: result.status, stored: result.stored });
    if (result.error) {
      process.stderr.write(`${result.error}\n`);
      return result.exit;
    }
    const failing = result.status >= 400 && (options.flags.has('--fail') || options.flags.has('--fail-with-body'));
    const out = options.values['-o'];
    if (!failing || options.flags.has('--fail-with-body')) {
      if (out) writeFileSync(out, result.body);
      else process.stdout.write(result.body);
    }
    if (failing) {
      process.stderr.write(`curl: (22) The requested URL returned error: ${result.status}\n`);
      return 22;
    }
    return 0;
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    return error.exit ?? 2;
  } finally {
    appendFileSync(join(process.env.STORE, 'curl-calls.jsonl'), `${JSON.stringify(record)}\n`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main();
