import type { IncomingHttpHeaders } from 'node:http';
import { s3ActionOf } from './s3-actions.js';

/** The wire protocol family of a request, which decides how an error answer must look. */
export type WireProtocol = 'ec2' | 'query' | 'json' | 's3' | 'unknown';

export interface RequestIdentity {
  service: string;
  action: string;
  mutating: boolean;
  protocol: WireProtocol;
}

export interface IdentifiableRequest {
  method: string;
  /** Path plus query, as received (`/bucket?versioning`). */
  url: string;
  headers: IncomingHttpHeaders;
  /** The body, when it was buffered (query protocol only); otherwise undefined. */
  body?: Buffer;
}

const READ_ACTION = /^(Describe|Get|List|Head)(?=[A-Z0-9]|$)/;

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `Credential=AKID/20260101/us-east-2/ec2/aws4_request` → `ec2` (also from a presigned `X-Amz-Credential`). */
export function serviceFromCredentialScope(authorization: string | undefined, query: URLSearchParams): string | undefined {
  return credentialScope(authorization, query)?.service;
}

export interface CredentialScope {
  /** Who signed: what tells moto's accounts apart. */
  accessKeyId: string;
  region: string;
  service: string;
}

/** The SigV4 credential scope of a request, from its Authorization header or a presigned `X-Amz-Credential`. */
export function credentialScope(authorization: string | undefined, query: URLSearchParams = new URLSearchParams()): CredentialScope | undefined {
  const credential = authorization?.match(/Credential=([^,\s]+)/)?.[1] ?? query.get('X-Amz-Credential') ?? undefined;
  if (!credential) return undefined;
  const scope = credential.split('/');
  // AKID / date / region / service / aws4_request (an access key id never holds a slash)
  if (scope.length < 5) return undefined;
  return { accessKeyId: scope[0] as string, region: scope[scope.length - 3] as string, service: scope[scope.length - 2] as string };
}

/** Query-protocol bodies are small forms; they must be read to learn the action. */
export function isFormEncoded(headers: IncomingHttpHeaders): boolean {
  return (firstHeader(headers['content-type']) ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

export function isReadAction(action: string): boolean {
  return READ_ACTION.test(action);
}

function splitUrl(url: string): { path: string; query: URLSearchParams } {
  // Not `new URL()`: a path starting with `//` (an S3 key beginning with `/`) would be read as a host.
  const queryStart = url.indexOf('?');
  // The path stays percent-encoded: an encoded `/` inside a key must not add depth.
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
  return { path, query };
}

/** Service, action, protocol and whether the call changes anything, from what the SDK put on the wire. */
export function identifyRequest(request: IdentifiableRequest): RequestIdentity {
  const method = request.method.toUpperCase();
  const { path, query } = splitUrl(request.url);
  const service = serviceFromCredentialScope(firstHeader(request.headers.authorization), query) ?? 'unknown';

  const target = firstHeader(request.headers['x-amz-target']);
  if (target) {
    const action = target.slice(target.lastIndexOf('.') + 1);
    return { service, action, mutating: !isReadAction(action), protocol: 'json' };
  }

  if (service === 's3') {
    const action = s3ActionOf({ method, path, query, headers: request.headers });
    return { service, action, mutating: method !== 'GET' && method !== 'HEAD', protocol: 's3' };
  }

  const form = request.body && isFormEncoded(request.headers) ? new URLSearchParams(request.body.toString('utf8')) : undefined;
  const queryAction = form?.get('Action') ?? query.get('Action');
  if (queryAction) {
    return { service, action: queryAction, mutating: !isReadAction(queryAction), protocol: service === 'ec2' ? 'ec2' : 'query' };
  }

  return { service, action: 'Unknown', mutating: method !== 'GET' && method !== 'HEAD', protocol: 'unknown' };
}
