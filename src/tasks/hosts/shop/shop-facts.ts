import type { Config, ShopFacts } from '../../../config/schema.js';
import { shopEnvNames } from './env-file.js';
import { inspectShopSource, ShopSourceError } from './source.js';

/**
 * The config with what the shop's source says (`config.shopFacts`): read once when a command opens its
 * target, so every step, preview and check sees the same ports and services without reading the archive
 * again. A source that cannot be used is recorded with its reason (the shop's preview and `up`'s checks say
 * it); no source at all leaves the config as it is.
 */
export async function withShopFacts(config: Config): Promise<Config> {
  if (!config.shop.source) return config;
  return { ...config, shopFacts: await readShopFacts(config) };
}

export async function readShopFacts(config: Config): Promise<ShopFacts> {
  try {
    const { layout } = await inspectShopSource(config);
    return {
      ok: true,
      from: `${layout.composeFile} in ${config.shop.source}`,
      services: layout.services.map((s) => s.name),
      publicPorts: layout.publicPorts,
      port: layout.port,
      manageService: layout.manageService,
      envNames: shopEnvNames({ sample: layout.envSample?.entries, allowedHosts: layout.readsAllowedHosts ? ['localhost'] : undefined }),
      commands: layout.commands,
    };
  } catch (error) {
    if (error instanceof ShopSourceError) return { ok: false, message: error.message, fix: error.hint };
    throw error;
  }
}
