import ipaddr from 'ipaddr.js';

/** Where the gateway forwards to: always a loopback address, never a name a resolver could point elsewhere. */
export interface LoopbackTarget {
  /** A literal loopback IP (`127.0.0.1`, `::1`). */
  host: string;
  port: number;
  /** e.g. `http://127.0.0.1:5000` */
  origin: string;
}

export class NonLoopbackTargetError extends Error {
  constructor(target: string, reason: string) {
    super(`The sandbox gateway only forwards to a loopback http:// endpoint; refusing ${JSON.stringify(target)}: ${reason}`);
    this.name = 'NonLoopbackTargetError';
  }
}

function isLoopbackIp(host: string): boolean {
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return ipaddr.IPv4.parse(host).range() === 'loopback';
  if (!ipaddr.IPv6.isValid(host)) return false;
  // ipaddr.process turns ::ffff:127.0.0.1 into its IPv4 form
  return ipaddr.process(host).range() === 'loopback';
}

/** Parse and check a target URL; throws NonLoopbackTargetError unless it is http:// on a loopback address. */
export function loopbackTarget(target: string): LoopbackTarget {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new NonLoopbackTargetError(target, 'not a URL');
  }
  if (url.protocol !== 'http:') throw new NonLoopbackTargetError(target, `protocol ${url.protocol} (only http:)`);
  if (url.username || url.password) throw new NonLoopbackTargetError(target, 'credentials in the URL');
  const bareHost = url.hostname.replace(/^\[|\]$/g, '');
  // `localhost` is pinned to 127.0.0.1 rather than resolved: /etc/hosts could map it anywhere.
  const host = bareHost === 'localhost' ? '127.0.0.1' : bareHost;
  if (!isLoopbackIp(host)) throw new NonLoopbackTargetError(target, `${url.hostname} is not a loopback address`);
  const port = url.port === '' ? 80 : Number(url.port);
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return { host, port, origin };
}
