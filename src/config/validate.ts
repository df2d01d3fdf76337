import { configSchema, type Config } from './schema.js';
import { ConfigError, issuesFromZod } from './issues.js';

export { ConfigError, type ConfigIssue } from './issues.js';

/**
 * The config from any parsed input (YAML document, init answers): the zod schema with its field
 * and cross-field rules (see schema.ts). Throws ConfigError listing every problem found, each
 * with its field path, what is wrong and how to fix it. An empty document means all seed defaults.
 */
export function validateConfig(input: unknown, source: string): Config {
  const result = configSchema.safeParse(input ?? {}, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(source, issuesFromZod(result.error, configSchema));
}
