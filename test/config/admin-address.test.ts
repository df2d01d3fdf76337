import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { adminAddressOffer } from '../../src/config/admin-address.js';

const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({ address, netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: `${address}/24` });
const v6 = (address: string): NetworkInterfaceInfo => ({ address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '00:00:00:00:00:00', internal: false, cidr: `${address}/64`, scopeid: 0 });

/** Interfaces are given to it: the offer is learnt from this machine alone, nothing is asked of the network. */
describe('adminAddressOffer', () => {
  it("offers this machine's public IPv4 address as a /32 and says which interface it is on", () => {
    const offer = adminAddressOffer({ lo: [v4('127.0.0.1', true)], eth0: [v4('10.0.0.5'), v6('2001:db8::5')], eth1: [v4('93.184.215.14')] });
    expect(offer).toEqual({ cidr: '93.184.215.14/32', source: "this machine's public address, on its interface eth1" });
  });

  it('offers nothing behind NAT: private, CGNAT, link-local, documentation and loopback addresses are not "me" on the internet', () => {
    for (const address of ['192.168.1.20', '10.1.2.3', '172.16.0.9', '100.64.0.1', '169.254.1.1', '203.0.113.7', '198.51.100.10', '127.0.0.1']) {
      expect(adminAddressOffer({ eth0: [v4(address)] }), address).toBeUndefined();
    }
    expect(adminAddressOffer({})).toBeUndefined();
  });
});
