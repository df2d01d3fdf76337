import { fail, ok, parseArgs, type Call, type Outcome } from './host.js';

/**
 * ping (iputils) on a host without a real network (the sandbox's), answered by its network (host.network):
 * replies, silence where a security group drops ICMP (100% loss), "Destination Net Unreachable" where
 * no route leads. An address no simulated host has never answers. Nothing is sent anywhere.
 */
export async function ping(call: Call): Promise<Outcome> {
  const network = call.host.network;
  if (!network) return fail('ping: this host has no emulated network', 2);
  const parsed = parseArgs(call.args, ['-c', '-W', '-w', '-i', '-s', '-t', '-I']);
  const [address] = parsed.operands;
  if (!address) return fail('ping: usage error: Destination address required', 2);
  const count = Math.max(1, Number(parsed.values.get('-c') ?? 4) || 1);
  const quiet = parsed.flags.has('-q');
  const reach = network.ping(address);
  const header = `PING ${address} (${address}) 56(84) bytes of data.\n`;
  const summary = (received: number, extra = '') =>
    `\n--- ${address} ping statistics ---\n${count} packets transmitted, ${received} received, ${extra}${Math.round((1 - received / count) * 100)}% packet loss, time ${(count - 1) * 1000}ms\n`;
  if (reach === 'ok') {
    const replies = quiet ? '' : Array.from({ length: count }, (_, i) => `64 bytes from ${address}: icmp_seq=${i + 1} ttl=63 time=0.${400 + i} ms\n`).join('');
    return ok(`${header}${replies}${summary(count)}rtt min/avg/max/mdev = 0.400/0.420/0.440/0.010 ms\n`);
  }
  if (reach === 'no-route') {
    const errors = quiet ? '' : Array.from({ length: count }, (_, i) => `From ${network.privateIp} icmp_seq=${i + 1} Destination Net Unreachable\n`).join('');
    return fail('', 1, `${header}${errors}${summary(0, `+${count} errors, `)}`);
  }
  return fail('', 1, `${header}${summary(0)}`);
}
