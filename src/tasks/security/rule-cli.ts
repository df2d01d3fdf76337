import type { IpPermission } from '@aws-sdk/client-ec2';
import { shellQuote } from '../../aws/cli.js';
import type { ResolvedRule } from './rule-match.js';

/** A resolved rule as the SDK's IpPermission (one source per permission). */
export function ipPermission(resolved: ResolvedRule): IpPermission {
  const { rule } = resolved;
  const base = { IpProtocol: rule.protocol, FromPort: rule.fromPort, ToPort: rule.toPort };
  if (rule.source.kind === 'cidr') return { ...base, IpRanges: [{ CidrIp: rule.source.cidr, Description: rule.description }] };
  if (!resolved.sourceGroupId) throw new Error(`the id of security group ${rule.source.group} is not known yet (a bug in needs)`);
  return { ...base, UserIdGroupPairs: [{ GroupId: resolved.sourceGroupId, Description: rule.description }] };
}

/**
 * The `--ip-permissions` argument in the CLI's shorthand syntax. A placeholder group id (`$SG_WEB_ID`)
 * is double-quoted so the shell expands it (descriptions hold no `"`, `\`, backquote or `!`).
 */
export function cliIpPermissions(resolved: ResolvedRule, sourceGroupRef: string): string {
  const { rule } = resolved;
  const source =
    rule.source.kind === 'cidr'
      ? `IpRanges=[{CidrIp=${rule.source.cidr},Description=${rule.description}}]`
      : `UserIdGroupPairs=[{GroupId=${sourceGroupRef},Description=${rule.description}}]`;
  const text = `IpProtocol=${rule.protocol},FromPort=${rule.fromPort},ToPort=${rule.toPort},${source}`;
  return `--ip-permissions ${text.includes('$') ? `"${text}"` : shellQuote(text)}`;
}
