import { configSchema, type ConfigInput } from './schema.js';
import { parseIpv4Cidr } from './cidr.js';

/** What `aws-runbook init` flags and the setup form ask. */
export interface InitAnswers {
  suffix?: string;
  region?: string;
  adminCidr?: string;
  publicKeyPath?: string;
  shopSource?: string;
}

const SEED = configSchema.parse({});

function answer(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** A bare address is the operator's own machine: one address, /32. */
function normalizeAdminCidr(value: string): string {
  return !value.includes('/') && parseIpv4Cidr(`${value}/32`) ? `${value}/32` : value;
}

/**
 * The config input from the setup answers: only what differs from the seed defaults is set,
 * so the written file stays short and follows the seed where the operator said nothing.
 * Not validated here: `writeConfig` validates before writing.
 */
export function buildInitConfig(answers: InitAnswers): ConfigInput {
  const input: ConfigInput = {};
  const suffix = answer(answers.suffix);
  if (suffix !== undefined && suffix !== SEED.suffix) input.suffix = suffix;
  const region = answer(answers.region);
  if (region !== undefined && region !== SEED.region) input.region = region;

  const adminCidr = answer(answers.adminCidr);
  const publicKeyPath = answer(answers.publicKeyPath);
  const accessInput: NonNullable<ConfigInput['access']> = {};
  if (adminCidr !== undefined) accessInput.adminCidr = normalizeAdminCidr(adminCidr);
  if (publicKeyPath !== undefined && publicKeyPath !== SEED.access.publicKeyPath) accessInput.publicKeyPath = publicKeyPath;
  if (Object.keys(accessInput).length > 0) input.access = accessInput;

  const shopSource = answer(answers.shopSource);
  if (shopSource !== undefined) input.shop = { source: shopSource };
  return input;
}
