import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildInitConfig } from '../../config/init.js';
import { adminAddressOffer } from '../../config/admin-address.js';
import { DEFAULT_CONFIG_FILE, writeConfig } from '../../config/load.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { loadScreens } from '../load-screens.js';
import type { CommandIO } from '../io.js';
import type { GlobalOptions } from '../target.js';

export interface InitOptions {
  suffix?: string;
  region?: string;
  adminCidr?: string;
  publicKey?: string;
  shopSource?: string;
  force?: boolean;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** `init`: write the config file from flags (or, in a terminal with no flags, from the setup form). */
export async function initCommand(global: GlobalOptions, options: InitOptions, io: CommandIO): Promise<number> {
  const path = resolve(global.config ?? DEFAULT_CONFIG_FILE);
  const answers = {
    ...(options.suffix !== undefined ? { suffix: options.suffix } : {}),
    ...((options.region ?? global.region) !== undefined ? { region: options.region ?? global.region } : {}),
    ...(options.adminCidr !== undefined ? { adminCidr: options.adminCidr } : {}),
    ...(options.publicKey !== undefined ? { publicKeyPath: options.publicKey } : {}),
    ...(options.shopSource !== undefined ? { shopSource: options.shopSource } : {}),
  };
  if (Object.keys(answers).length === 0 && io.interactive) {
    const code = await setupForm(path, { force: Boolean(options.force) });
    if (code !== EXIT.ok) io.err("Cancelled: nothing was written.");
    return code;
  }
  if (!options.force && (await exists(path))) {
    throw new UsageError(`${path} already exists; pass --force to overwrite it.`);
  }
  await writeConfig(path, buildInitConfig(answers), { force: Boolean(options.force) });
  io.out(`Wrote ${path}. Next: \`aws-runbook plan\` to preview, \`aws-runbook\` (or \`aws-runbook up\`) to build.`);
  return EXIT.ok;
}

/**
 * The setup form (what `init` asks) on the terminal; 0 once the file is written, 130 when cancelled. It
 * offers this machine's own public address as the admin range when one of its interfaces has one
 * (nothing is asked of the internet). `intro`, `savedNote`, `clear`: for the assistant, which asks first.
 */
export async function setupForm(path: string, options: { force?: boolean; intro?: string; savedNote?: string; clear?: boolean } = {}): Promise<number> {
  const { runInitForm } = await loadScreens(() => import('../../screens/run-init-form.js'));
  const offer = adminAddressOffer();
  return runInitForm({
    path,
    ...(offer ? { initial: { adminCidr: offer.cidr }, notes: { adminCidr: `offered: ${offer.cidr}, ${offer.source}; change it if you connect from elsewhere` } } : {}),
    ...(options.intro ? { intro: options.intro } : {}),
    ...(options.savedNote ? { savedNote: options.savedNote } : {}),
    ...(options.clear ? { clear: true } : {}),
    async submit(formAnswers) {
      await writeConfig(path, buildInitConfig(formAnswers), { force: Boolean(options.force) });
    },
  });
}
