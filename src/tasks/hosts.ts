import type { Config } from '../config/schema.js';
import type { Step } from '../engine/types.js';
import { hostKeyStep } from './hosts/host-key-step.js';
import { loginStep } from './hosts/login-step.js';
import { HOST_NAMES } from './hosts/names.js';

/** The hosts section (DESIGN.md §6): host keys from the consoles, the first login, then each host's setup. */
export function hostSteps(config: Config): Step[] {
  return [...HOST_NAMES.map((host) => hostKeyStep(config, host)), ...HOST_NAMES.map((host) => loginStep(config, host))];
}
