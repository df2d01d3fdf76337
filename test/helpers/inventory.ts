import {
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  EC2Client,
  type Tag,
} from '@aws-sdk/client-ec2';

const tag = (tags: Tag[] | undefined, key: string) => tags?.find((t) => t.Key === key)?.Value;

/**
 * Everything tagged for a project, described straight from the emulator and reduced to a comparable
 * shape (names, CIDRs, AZs, routes, associations — ids replaced by names), so two runs can be compared.
 */
export async function networkInventory(endpoint: string, project: string) {
  const ec2 = new EC2Client({ region: 'us-east-2', endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const filter = [{ Name: 'tag:aws-runbook:project', Values: [project] }];
  try {
    const vpcs = (await ec2.send(new DescribeVpcsCommand({ Filters: filter }))).Vpcs ?? [];
    const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: filter }))).Subnets ?? [];
    const igws = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: filter }))).InternetGateways ?? [];
    const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: filter }))).RouteTables ?? [];
    const nats = ((await ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways ?? []).filter((n) => n.State !== 'deleted');
    // moto may ignore a filter: keep only what really carries the tag.
    const ours = <T extends { Tags?: Tag[] }>(items: T[]) => items.filter((item) => tag(item.Tags, 'aws-runbook:project') === project);
    const nameOf = new Map<string, string>();
    for (const v of ours(vpcs)) nameOf.set(v.VpcId!, tag(v.Tags, 'Name')!);
    for (const s of ours(subnets)) nameOf.set(s.SubnetId!, tag(s.Tags, 'Name')!);
    for (const g of ours(igws)) nameOf.set(g.InternetGatewayId!, tag(g.Tags, 'Name')!);
    for (const n of ours(nats)) nameOf.set(n.NatGatewayId!, tag(n.Tags, 'Name')!);
    const peerings = (await ec2.send(new DescribeVpcPeeringConnectionsCommand({}))).VpcPeeringConnections ?? [];
    for (const p of ours(peerings)) nameOf.set(p.VpcPeeringConnectionId!, tag(p.Tags, 'Name')!);
    const name = (id: string | undefined) => (id ? (nameOf.get(id) ?? id) : undefined);
    const vpcAttributes = await Promise.all(
      ours(vpcs).map(async (v) => {
        const hostnames = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: v.VpcId!, Attribute: 'enableDnsHostnames' }));
        return { name: tag(v.Tags, 'Name'), cidr: v.CidrBlock, dnsHostnames: hostnames.EnableDnsHostnames?.Value ?? false };
      }),
    );
    return {
      vpcs: vpcAttributes.sort((a, b) => String(a.name).localeCompare(String(b.name))),
      subnets: ours(subnets)
        .map((s) => ({ name: tag(s.Tags, 'Name'), vpc: name(s.VpcId), cidr: s.CidrBlock, az: s.AvailabilityZone, publicIp: Boolean(s.MapPublicIpOnLaunch) }))
        .sort((a, b) => String(a.cidr).localeCompare(String(b.cidr))),
      internetGateways: ours(igws)
        .map((g) => ({ name: tag(g.Tags, 'Name'), attachedTo: (g.Attachments ?? []).map((a) => name(a.VpcId)).sort() }))
        .sort((a, b) => String(a.name).localeCompare(String(b.name))),
      natGateways: ours(nats)
        .map((n) => ({ name: tag(n.Tags, 'Name'), subnet: name(n.SubnetId), state: n.State }))
        .sort((a, b) => String(a.name).localeCompare(String(b.name))),
      routeTables: ours(tables)
        .map((t) => ({
          name: tag(t.Tags, 'Name'),
          vpc: name(t.VpcId),
          routes: (t.Routes ?? [])
            .map((r) => `${r.DestinationCidrBlock} -> ${r.GatewayId === 'local' ? 'local' : name(r.GatewayId ?? r.NatGatewayId ?? r.VpcPeeringConnectionId)}`)
            .sort(),
          associations: (t.Associations ?? []).filter((a) => !a.Main).map((a) => name(a.SubnetId)).sort(),
        }))
        .sort((a, b) => String(a.name).localeCompare(String(b.name))),
    };
  } finally {
    ec2.destroy();
  }
}
