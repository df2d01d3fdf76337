import type { Config } from '../../config/schema.js';
import { shopPublicPorts } from '../hosts/shop/names.js';
import { MARIADB_PORT, UPTIME_KUMA_PORT, type SecurityGroupKey } from './rules.js';

/** Where the seed slipped about security groups (it shows them only as console screenshots), per group. */
export interface SecurityNotes {
  group: string[];
  ingress: string[];
}

const SCREENSHOT_ONLY =
  'The runbook shows this group only as a console screenshot (no command, no rule list); here it is created by command, tagged in the create call, with its rules from one table.';
const EGRESS = "Outbound: AWS's default allow-all egress rule is kept; only inbound traffic is restricted.";
const FREE = 'Security groups cost nothing.';

export function securityNotes(config: Config, key: SecurityGroupKey): SecurityNotes {
  const cyber = config.network.cyber;
  switch (key) {
    case 'web':
      return {
        group: [SCREENSHOT_ONLY, EGRESS, FREE],
        ingress: [
          `SSH only from the Cyber public subnet ${cyber.public.cidr} (the GitLab jump host), as the runbook's Part 3 table says ("SSH restreint uniquement au subnet Cyber"); HTTP, HTTPS and the shop's port ${shopPublicPorts(config).join(', ')} from anywhere.`,
          config.shopFacts?.ok
            ? `The shop's port is the one its own ${config.shopFacts.from} publishes, not a fixed number.`
            : "The shop's port is Rocket eCommerce's documented 5085 (its nginx) until shop.source is read: the compose file it ships decides.",
          `Not in the runbook's text: ICMP from the Cyber VPC ${cyber.cidr}. The expected ping matrix says Cyber → MVP ping works, which needs it.`,
        ],
      };
    case 'rds':
      return {
        group: [SCREENSHOT_ONLY, EGRESS, FREE],
        ingress: [`MariaDB (${MARIADB_PORT}) only from members of the web group (a security-group reference, not a CIDR): nothing else reaches the database.`],
      };
    case 'cyber':
      return {
        group: [SCREENSHOT_ONLY, EGRESS, FREE],
        ingress: [
          `The runbook never says where Uptime Kuma's port ${UPTIME_KUMA_PORT} is reachable from: here from no address at all — the Monitoring host is private, Kuma is published on its loopback and reached through an SSH tunnel to that host (SSH and GitLab's HTTP/HTTPS are open to the admin CIDR, access.adminCidr).`,
          `GitLab's HTTP also from the Cyber private subnet ${(cyber.private[0] as { cidr: string }).cidr} (the Monitoring host), for Uptime Kuma's GitLab monitor; Kuma reaches the shop and WordPress through the web group's public ports, over the Cyber↔MVP peering.`,
          `SSH and ICMP from inside the Cyber VPC ${cyber.cidr}, so GitLab (the bastion) reaches Monitoring; no ICMP from IA or MVP, so IA → Cyber and MVP → Cyber ping stay blocked as the runbook's screenshot shows.`,
        ],
      };
    case 'ia':
      return {
        group: [SCREENSHOT_ONLY, EGRESS, FREE],
        ingress: [`SSH only from the Cyber public subnet ${cyber.public.cidr} (the GitLab jump host); ICMP from the Cyber VPC ${cyber.cidr}, so Cyber → IA ping works.`],
      };
  }
}
