import { inNs } from './netns.js';
import { NODES, ifaceToward, type LabNodeKey } from './topology.js';

/**
 * One filter rule of the lab's router changed at a time, to play a security group edited by hand (the
 * AWS side, what `verify` predicts from, stays as it was). Each change returns the function that undoes
 * it. Nothing else of the lab is touched.
 */

/** The router's FORWARD chain as `iptables -S` prints it (`-A FORWARD ... -j ACCEPT`). */
export async function forwardRules(routerNs: string): Promise<string[]> {
  return (await inNs(routerNs, 'iptables', ['-S', 'FORWARD'])).split('\n').filter((line) => line.startsWith('-A FORWARD '));
}

/** The rule spec that lets ICMP echo requests from `sourceCidr` in to `target` (the shape security-groups.ts writes). */
export function icmpAcceptSpec(target: LabNodeKey, sourceCidr: string): string {
  return `-s ${sourceCidr} -d ${NODES[target].privateAddress}/32 -o ${ifaceToward(target)} -p icmp -m icmp --icmp-type 8`;
}

/** Remove the one FORWARD rule accepting ICMP from `sourceCidr` to `target`; resolves to its undo. Throws unless exactly one matches. */
export async function removeIcmpAccept(routerNs: string, target: LabNodeKey, sourceCidr: string): Promise<() => Promise<void>> {
  const spec = icmpAcceptSpec(target, sourceCidr);
  const matching = (await forwardRules(routerNs)).filter((line) => line.includes(spec) && line.endsWith('-j ACCEPT'));
  if (matching.length !== 1) throw new Error(`expected one router rule with "${spec}", found ${matching.length}`);
  const rule = (matching[0] as string).replace(/^-A /, '');
  // `iptables -S` quotes the comment as a shell would read it: hand the line to sh, as printed.
  await inNs(routerNs, 'sh', ['-c', `iptables -D ${rule}`]);
  return async () => {
    await inNs(routerNs, 'sh', ['-c', `iptables -A ${rule}`]);
  };
}

/** Add a FORWARD rule accepting ICMP from `sourceCidr` to `target` (a rule no security group has); resolves to its undo. */
export async function addIcmpAccept(routerNs: string, target: LabNodeKey, sourceCidr: string): Promise<() => Promise<void>> {
  const rule = `FORWARD ${icmpAcceptSpec(target, sourceCidr)} -m comment --comment "added by a test" -j ACCEPT`;
  await inNs(routerNs, 'sh', ['-c', `iptables -A ${rule}`]);
  return async () => {
    await inNs(routerNs, 'sh', ['-c', `iptables -D ${rule}`]);
  };
}
