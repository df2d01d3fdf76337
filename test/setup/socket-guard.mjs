// The tests' network guard (team rule: tests connect only to loopback, or to the lab's own namespaces).
// Loaded into every vitest worker (vitest.config.ts setupFiles, through network-guard.ts) and into every
// tool process a test spawns (NODE_OPTIONS=--import, test/helpers/cli.ts). It wraps net.Socket's connect,
// which every TCP client in Node goes through (http, fetch/undici, tls, ssh2): a connect to anything but
// loopback or a Unix socket, or a network listed in AWSRB_GUARD_ALLOW (the lab's own CIDRs), is refused —
// the socket is destroyed with an error before any packet leaves — and written on stderr behind
// REFUSED_MARKER, which the test helpers turn into a failed test, so a refusal cannot hide behind a
// fallback (plan going offline, a check skipping). AWSRB_SOCKET_LOG, when set, gets every destination.
import net from 'node:net';
import process from 'node:process';
import { appendFileSync } from 'node:fs';
import ipaddr from 'ipaddr.js';

export const REFUSED_MARKER = '[test network guard] refused';

/** Where a Socket#connect call goes: `host:port`, or the Unix socket path. */
export function destinationOf(args) {
  const [first, second] = args;
  if (Array.isArray(first)) return destinationOf(first);
  if (first && typeof first === 'object') {
    if (first.path) return { path: String(first.path), text: String(first.path) };
    const host = first.host ?? 'localhost';
    return { host, port: first.port, text: `${host}:${first.port}` };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first, text: first };
  const host = typeof second === 'string' ? second : 'localhost';
  return { host, port: first, text: `${host}:${first}` };
}

const allowedRanges = (process.env.AWSRB_GUARD_ALLOW ?? '')
  .split(',')
  .map((range) => range.trim())
  .filter(Boolean)
  .map((range) => ipaddr.parseCIDR(range));

/** Loopback (127.0.0.0/8, ::1, localhost), a Unix socket, or inside a range the test allowed. */
export function isAllowed(destination) {
  if (destination.path) return true;
  const host = String(destination.host).replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (!ipaddr.isValid(host)) return false;
  let address = ipaddr.parse(host);
  if (address.kind() === 'ipv6' && address.isIPv4MappedAddress()) address = address.toIPv4Address();
  if (address.range() === 'loopback') return true;
  return allowedRanges.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
}

/** The refusals of this process, for the vitest hook. */
export const refused = [];

const log = process.env.AWSRB_SOCKET_LOG;
if (!globalThis.__awsrbSocketGuard) {
  globalThis.__awsrbSocketGuard = true;
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    const destination = destinationOf(args);
    if (log) appendFileSync(log, `${destination.text}\n`);
    if (isAllowed(destination)) return original.apply(this, args);
    refused.push(destination.text);
    process.stderr.write(`${REFUSED_MARKER} a connect to ${destination.text}: tests connect only to loopback or the lab's namespaces\n`);
    process.nextTick(() => this.destroy(new Error(`${REFUSED_MARKER} a connect to ${destination.text} (test network guard)`)));
    return this;
  };
}
