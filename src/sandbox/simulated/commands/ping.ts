import type { Command } from 'just-bash';
import type { CommandEnv } from '../host.js';
import { command, fail, ok, parseArgs } from '../shell/results.js';

/**
 * ping (iputils) between simulated hosts, answered by the simulated network (DESIGN.md §5's matrix):
 * replies, silence where a security group drops ICMP (100% loss), "Destination Net Unreachable" where
 * no route leads. An address no simulated host has never answers. Nothing is sent anywhere.
 */
export function ping(env: CommandEnv): Command {
  return command('ping', async (args) => {
    env.host.record(['ping', ...args]);
    const parsed = parseArgs(args, ['-c', '-W', '-w', '-i', '-s', '-t', '-I']);
    const [address] = parsed.operands;
    if (!address) return fail('ping: usage error: Destination address required', 2);
    const count = Math.max(1, Number(parsed.values.get('-c') ?? 4) || 1);
    const quiet = parsed.flags.has('-q');
    const reach = env.world.ping(env.host, address);
    const header = `PING ${address} (${address}) 56(84) bytes of data.\n`;
    const summary = (received: number, extra = '') =>
      `\n--- ${address} ping statistics ---\n${count} packets transmitted, ${received} received, ${extra}${Math.round((1 - received / count) * 100)}% packet loss, time ${(count - 1) * 1000}ms\n`;
    if (reach === 'ok') {
      const replies = quiet ? '' : Array.from({ length: count }, (_, i) => `64 bytes from ${address}: icmp_seq=${i + 1} ttl=63 time=0.${400 + i} ms\n`).join('');
      return ok(`${header}${replies}${summary(count)}rtt min/avg/max/mdev = 0.400/0.420/0.440/0.010 ms\n`);
    }
    if (reach === 'no-route') {
      const errors = quiet ? '' : Array.from({ length: count }, (_, i) => `From ${env.host.privateIp} icmp_seq=${i + 1} Destination Net Unreachable\n`).join('');
      return fail('', 1, `${header}${errors}${summary(0, `+${count} errors, `)}`);
    }
    return fail('', 1, `${header}${summary(0)}`);
  });
}
