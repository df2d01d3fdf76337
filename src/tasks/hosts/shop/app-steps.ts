import type { Config } from '../../../config/schema.js';
import type { Step } from '../../../engine/types.js';
import { wordpressStep } from '../wordpress/wordpress-step.js';
import { shopStep } from './shop-step.js';

/** The two web apps of the MVP: the shop on the ecommerce host, WordPress on its own (each with its DB user on RDS). */
export function webAppSteps(config: Config): Step[] {
  return [shopStep(config), wordpressStep(config)];
}
