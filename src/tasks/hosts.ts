import type { Config } from '../config/schema.js';
import type { HostName, Step } from '../engine/types.js';
import { hostKeyStep } from './hosts/host-key-step.js';
import { loginStep } from './hosts/login-step.js';
import { HOST_NAMES } from './hosts/names.js';
import { dockerSteps } from './hosts/docker-step.js';
import { gitlabStep } from './hosts/gitlab/step.js';
import { iaPingStep } from './hosts/ia-step.js';
import { uptimeKumaStep } from './hosts/uptime-kuma-step.js';
import { webAppSteps } from './hosts/shop/app-steps.js';

/** Words in a host step's id that say which host it works on, besides the host names themselves. */
const HOST_WORDS: Readonly<Record<string, HostName>> = { shop: 'ecommerce', wordpress: 'wordpress', kuma: 'monitoring', 'uptime-kuma': 'monitoring' };

/** The host a step works on, from its id (`hosts.docker.ecommerce`, `hosts.shop.env`), when it does not say. */
export function hostOf(step: Step): HostName | undefined {
  if (step.host) return step.host;
  const words = step.id.split('.');
  return words.map((word) => (HOST_NAMES as readonly string[]).includes(word) ? (word as HostName) : HOST_WORDS[word]).find((host) => host !== undefined);
}

/** Steps are plain object literals (their methods close over their spec, never use `this`): a copy keeps them whole. */
function withHost(step: Step): Step {
  const host = hostOf(step);
  return host && !step.host ? { ...step, host } : step;
}

/** The hosts section (docs/design.md#hosts-over-ssh): host keys from the consoles, the first login, then each host's setup. */
export function hostSteps(config: Config): Step[] {
  return allHostSteps(config).map(withHost);
}

function allHostSteps(config: Config): Step[] {
  return [...HOST_NAMES.map((host) => hostKeyStep(config, host)), ...HOST_NAMES.map((host) => loginStep(config, host)), ...dockerSteps(config), uptimeKumaStep(config), gitlabStep(config), iaPingStep(config), ...webAppSteps(config)];
}
