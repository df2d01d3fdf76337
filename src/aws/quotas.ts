/** A Service Quotas entry the operator can raise. */
export interface QuotaInfo {
  /** The quota's name as the Service Quotas console shows it. */
  name: string;
  /** `--service-code` for `aws service-quotas request-service-quota-increase`. */
  serviceCode: string;
  quotaCode: string;
  /** What to delete instead, in the hint ("VPCs"). */
  resources: string;
}

/** AWS error code (without an RDS `Fault` suffix) → the quota it hit. */
const QUOTAS: Record<string, QuotaInfo> = {
  VpcLimitExceeded: { name: 'VPCs per Region', serviceCode: 'vpc', quotaCode: 'L-F678F1CE', resources: 'VPCs' },
  AddressLimitExceeded: { name: 'EC2-VPC Elastic IPs', serviceCode: 'ec2', quotaCode: 'L-0263D0A3', resources: 'Elastic IP addresses' },
  InstanceLimitExceeded: {
    name: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
    serviceCode: 'ec2',
    quotaCode: 'L-1216C47A',
    resources: 'instances',
  },
  VcpuLimitExceeded: {
    name: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
    serviceCode: 'ec2',
    quotaCode: 'L-1216C47A',
    resources: 'instances',
  },
  InternetGatewayLimitExceeded: { name: 'Internet gateways per Region', serviceCode: 'vpc', quotaCode: 'L-A4707A72', resources: 'internet gateways' },
  NatGatewayLimitExceeded: { name: 'NAT gateways per Availability Zone', serviceCode: 'vpc', quotaCode: 'L-FE5A380F', resources: 'NAT gateways' },
  RouteTableLimitExceeded: { name: 'Route tables per VPC', serviceCode: 'vpc', quotaCode: 'L-589F43AA', resources: 'route tables' },
  RouteLimitExceeded: { name: 'Routes per route table', serviceCode: 'vpc', quotaCode: 'L-93826ACB', resources: 'routes' },
  SubnetLimitExceeded: { name: 'Subnets per VPC', serviceCode: 'vpc', quotaCode: 'L-407747CB', resources: 'subnets' },
  SecurityGroupLimitExceeded: { name: 'VPC security groups per Region', serviceCode: 'vpc', quotaCode: 'L-E79EC296', resources: 'security groups' },
  RulesPerSecurityGroupLimitExceeded: {
    name: 'Inbound or outbound rules per security group',
    serviceCode: 'vpc',
    quotaCode: 'L-0EA8095F',
    resources: 'security group rules',
  },
  ActiveVpcPeeringConnectionPerVpcLimitExceeded: {
    name: 'Active VPC peering connections per VPC',
    serviceCode: 'vpc',
    quotaCode: 'L-7E9ECCDB',
    resources: 'VPC peering connections',
  },
  InstanceQuotaExceeded: { name: 'DB instances', serviceCode: 'rds', quotaCode: 'L-7B6409FD', resources: 'DB instances' },
  StorageQuotaExceeded: { name: 'Total storage for all DB instances', serviceCode: 'rds', quotaCode: 'L-7ADDB58A', resources: 'DB storage' },
  DBSubnetGroupQuotaExceeded: { name: 'DB subnet groups', serviceCode: 'rds', quotaCode: 'L-48C6BF81', resources: 'DB subnet groups' },
  TooManyBuckets: { name: 'General purpose buckets', serviceCode: 's3', quotaCode: 'L-DC2B2D3D', resources: 'buckets' },
};

export function quotaFor(code: string): QuotaInfo | undefined {
  return QUOTAS[code];
}
