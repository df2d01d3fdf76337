import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import ipaddr from 'ipaddr.js';

/**
 * The operator's current public address, for `init` to offer as the admin range — learnt only from this
 * machine itself, never by asking a service on the internet (`init` sends nothing anywhere; the operator
 * can look it up with `curl https://checkip.amazonaws.com` and type it). The one local source that says
 * it: a public IPv4 address on one of this machine's own interfaces (a server or VM with a public address,
 * not a laptop behind NAT, whose interfaces hold private addresses only). SSH and the admin UIs are reached
 * from the machine the tool runs on, so that is the address that matters; SSH_CONNECTION (where an SSH
 * login came from) is not used: it names another machine.
 */
export interface AdminAddressOffer {
  /** e.g. 93.184.215.14/32 */
  cidr: string;
  /** Where it was learnt, shown with the offer. */
  source: string;
}

/** Globally routable: ipaddr.js's `unicast` range (not private, loopback, CGNAT, link-local, documentation, reserved…). */
function isPublicIpv4(address: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(address) && ipaddr.IPv4.parse(address).range() === 'unicast';
}

export function adminAddressOffer(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): AdminAddressOffer | undefined {
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      if (info.family !== 'IPv4' || info.internal || !isPublicIpv4(info.address)) continue;
      return { cidr: `${info.address}/32`, source: `this machine's public address, on its interface ${name}` };
    }
  }
  return undefined;
}
