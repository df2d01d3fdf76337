import { expectedNetwork } from './expected-network.js';

/** docs/design.md#what-gets-built for a suffix, in the shape of `fullInventory`, for the sections this version builds. */
export function expectedInfrastructure(s: string, options: { adminCidr: string; compute: boolean }) {
  const network = expectedNetwork(s);
  const project = s.toLowerCase();
  const toMvp = `Peering-Cyber-MVP-${s}`;
  const toIa = `Peering-Cyber-IA-${s}`;
  const peerRoutes: Record<string, string[]> = {
    Cyber: [`10.1.0.0/16 -> ${toMvp}`, `10.2.0.0/16 -> ${toIa}`],
    IA: [`10.3.0.0/16 -> ${toIa}`],
    MVP: [`10.3.0.0/16 -> ${toMvp}`],
  };
  const routeTables = network.routeTables.map((table) => {
    const key = table.vpc.replace(/^VPC-/, '').replace(`-${s}`, '');
    return { ...table, routes: [...table.routes, ...(peerRoutes[key] ?? [])].sort() };
  });
  const admin = options.adminCidr;
  return {
    network: { ...network, routeTables },
    peerings: [
      { name: toIa, status: 'active', requester: '10.3.0.0/16', accepter: '10.2.0.0/16' },
      { name: toMvp, status: 'active', requester: '10.3.0.0/16', accepter: '10.1.0.0/16' },
    ],
    securityGroups: [
      {
        name: `SG-Cyber-${s}`,
        rules: ['icmp -1--1 from 10.3.0.0/16', 'tcp 22-22 from 10.3.0.0/16', `tcp 22-22 from ${admin}`, `tcp 443-443 from ${admin}`, `tcp 80-80 from ${admin}`, 'tcp 80-80 from 10.3.2.0/24'].sort(),
      },
      { name: `SG-IA-${s}`, rules: ['icmp -1--1 from 10.3.0.0/16', 'tcp 22-22 from 10.3.1.0/24'] },
      { name: `SG-RDS-${s}`, rules: [`tcp 3306-3306 from SG-Web-${s}`] },
      {
        name: `SG-Web-${s}`,
        rules: ['icmp -1--1 from 10.3.0.0/16', 'tcp 22-22 from 10.3.1.0/24', 'tcp 443-443 from 0.0.0.0/0', 'tcp 5085-5085 from 0.0.0.0/0', 'tcp 80-80 from 0.0.0.0/0'],
      },
    ],
    // security.default-sg.<vpc> (EC2.2): every VPC's default group allows nothing.
    defaultSecurityGroups: [`VPC-Cyber-${s}`, `VPC-IA-${s}`, `VPC-MVP-${s}`].map((vpc) => ({ vpc, inbound: 0, outbound: 0 })),
    databases: [
      {
        id: `database-1-${project}`,
        engine: 'mariadb',
        version: '10.11.9',
        class: 'db.m7g.large',
        storage: 400,
        multiAz: true,
        public: false,
        encrypted: true,
        retention: 7,
        managedPassword: true,
        subnetGroup: `rds-private-${project}`,
        securityGroups: [`SG-RDS-${s}`],
      },
    ],
    subnetGroups: [{ name: `rds-private-${project}`, subnets: ['us-east-2a', 'us-east-2b'] }],
    buckets: [
      {
        name: `${project}-backups-123456789012-us-east-2`,
        publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
        encryption: 'AES256',
        versioning: 'Enabled',
        lifecycleRules: 1,
      },
    ],
    keyPairs: options.compute ? [`KeyVM-${s}`] : [],
    elasticIps: [
      ...(options.compute
        ? [
            { name: `EIP-Ecommerce-${s}`, instance: `VM-Ecommerce-${s}` },
            { name: `EIP-Gitlab-${s}`, instance: `VMCyber-Gitlab-${s}` },
            { name: `EIP-WordPress-${s}`, instance: `VM-WordPress-${s}` },
          ]
        : []),
      { name: `EIP-NAT-Cyber-${s}`, instance: null },
      { name: `EIP-NAT-IA-${s}`, instance: null },
    ].sort((a, b) => a.name.localeCompare(b.name)),
    instances: options.compute ? expectedInstances(s) : [],
  };
}

function expectedInstances(s: string) {
  const vm = (name: string, type: string, subnet: string, group: string) => ({
    name: `${name}-${s}`,
    type,
    state: 'running',
    subnet: `${subnet}-${s}`,
    securityGroups: [`${group}-${s}`],
    keyName: `KeyVM-${s}`,
    imdsV2: 'required',
  });
  return [
    vm('VM-Ecommerce', 't3.small', 'Subnet-MVP-Public', 'SG-Web'),
    vm('VM-WordPress', 't3.small', 'Subnet-MVP-Public', 'SG-Web'),
    vm('VMCyber-Gitlab', 't3.large', 'Subnet-Cyber-Public', 'SG-Cyber'),
    vm('VMCyber-Monitoring', 't3.micro', 'Subnet-Cyber-Private1', 'SG-Cyber'),
    vm('VMIA-Workstation', 't3.micro', 'Subnet-IA-Private1', 'SG-IA'),
  ].sort((a, b) => a.name.localeCompare(b.name));
}
