/** docs/design.md#what-gets-built's network for a suffix, in the shape of `networkInventory` (what `up --only network` must build). */
export function expectedNetwork(s: string) {
  const vpc = (key: string, cidr: string) => ({ name: `VPC-${key}-${s}`, cidr, dnsHostnames: true });
  const subnet = (key: string, kind: string, cidr: string, az: string, publicIp: boolean) => ({
    name: `Subnet-${key}-${kind}-${s}`,
    vpc: `VPC-${key}-${s}`,
    cidr,
    az: `us-east-2${az}`,
    publicIp,
  });
  const table = (name: string, key: string, routes: string[], associations: string[]) => ({
    name: `${name}-${s}`,
    vpc: `VPC-${key}-${s}`,
    routes,
    associations: associations.map((a) => `${a}-${s}`),
  });
  return {
    vpcs: [vpc('Cyber', '10.3.0.0/16'), vpc('IA', '10.2.0.0/16'), vpc('MVP', '10.1.0.0/16')],
    subnets: [
      subnet('MVP', 'Public', '10.1.1.0/24', 'a', true),
      subnet('MVP', 'Private1', '10.1.2.0/24', 'b', false),
      subnet('MVP', 'Private2', '10.1.3.0/24', 'a', false),
      subnet('IA', 'Public', '10.2.1.0/24', 'a', true),
      subnet('IA', 'Private1', '10.2.2.0/24', 'a', false),
      subnet('Cyber', 'Public', '10.3.1.0/24', 'a', true),
      subnet('Cyber', 'Private1', '10.3.2.0/24', 'a', false),
    ],
    internetGateways: ['Cyber', 'IA', 'MVP'].map((key) => ({ name: `IGW-${key}-${s}`, attachedTo: [`VPC-${key}-${s}`] })),
    natGateways: ['Cyber', 'IA'].map((key) => ({ name: `NAT-${key}-${s}`, subnet: `Subnet-${key}-Public-${s}`, state: 'available' })),
    routeTables: [
      table('RouteCyberPriv', 'Cyber', [`0.0.0.0/0 -> NAT-Cyber-${s}`, '10.3.0.0/16 -> local'], ['Subnet-Cyber-Private1']),
      table('RouteCyberPub', 'Cyber', [`0.0.0.0/0 -> IGW-Cyber-${s}`, '10.3.0.0/16 -> local'], ['Subnet-Cyber-Public']),
      table('RouteIAPriv', 'IA', [`0.0.0.0/0 -> NAT-IA-${s}`, '10.2.0.0/16 -> local'], ['Subnet-IA-Private1']),
      table('RouteIAPub', 'IA', [`0.0.0.0/0 -> IGW-IA-${s}`, '10.2.0.0/16 -> local'], ['Subnet-IA-Public']),
      table('RouteMVPPriv', 'MVP', ['10.1.0.0/16 -> local'], ['Subnet-MVP-Private1', 'Subnet-MVP-Private2']),
      table('RouteMVPPub', 'MVP', [`0.0.0.0/0 -> IGW-MVP-${s}`, '10.1.0.0/16 -> local'], ['Subnet-MVP-Public']),
    ],
  };
}

export const EMPTY_INVENTORY = { vpcs: [], subnets: [], internetGateways: [], natGateways: [], routeTables: [] };
