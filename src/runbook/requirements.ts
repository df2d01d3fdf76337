import { access, constants } from 'node:fs/promises';
import { expandHome } from '../config/load.js';
import { ConfigError, type ConfigIssue } from '../config/validate.js';
import type { Config } from '../config/schema.js';
import type { SectionId } from '../engine/types.js';
import { shopSourceProblem } from '../tasks/hosts/shop/source.js';
import { stripeKeyProblems } from '../tasks/hosts/shop/stripe-keys.js';

/**
 * What some sections need from the config (and the environment) beyond what validation checks for every
 * run: the admin CIDR for the security groups, a readable public key for the key pair, the shop's source
 * and Stripe keys for the hosts section. Checked before the state is opened or AWS is called, so bad
 * input leaves both untouched.
 */
export async function sectionConfigIssues(config: Config, sections: readonly SectionId[], env: NodeJS.ProcessEnv = process.env): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [];
  if (sections.includes('security') && !config.access.adminCidr) {
    issues.push({
      field: 'access.adminCidr',
      message: 'is not set; the security section opens SSH, GitLab and Uptime Kuma to this address range only',
      fix: 'run `aws-runbook init --admin-cidr <your public IP>/32`, or set access.adminCidr in the config file',
    });
  }
  if (sections.includes('compute')) {
    const path = expandHome(config.access.publicKeyPath);
    try {
      await access(path, constants.R_OK);
    } catch {
      issues.push({
        field: 'access.publicKeyPath',
        message: `"${config.access.publicKeyPath}" cannot be read (${path}); the compute section imports it as the instances' key pair`,
        fix: 'create a key with `ssh-keygen -t ed25519`, or point access.publicKeyPath (or `init --public-key`) at your public key',
      });
    }
  }
  if (sections.includes('hosts')) issues.push(...(await shopIssues(config, env)));
  return issues;
}

/**
 * The shop (hosts section): its licensed source must be on this machine, and its Stripe keys in the
 * environment, or from the masked prompt `up` shows in a terminal. Key problems never quote the key.
 */
async function shopIssues(config: Config, env: NodeJS.ProcessEnv): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [];
  const source = await shopSourceProblem(config);
  if (source) issues.push({ field: 'shop.source', ...source });
  for (const problem of stripeKeyProblems(env)) {
    issues.push({ field: `environment variable ${problem.variable}`, message: problem.message, fix: problem.fix });
  }
  return issues;
}

export async function assertSectionConfig(config: Config, sections: readonly SectionId[], source: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const issues = await sectionConfigIssues(config, sections, env);
  if (issues.length > 0) throw new ConfigError(source, issues);
}
