import type { AwsTag } from './tags.js';

/** Quote a word for a POSIX shell when it needs it (previews show copy-pastable `aws` lines). */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./$-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `--tag-specifications 'ResourceType=vpc,Tags=[{Key=Name,Value=VPC-MVP-BFHK},...]'` in the CLI's shorthand syntax. */
export function cliTagSpecifications(resourceType: string, tags: readonly AwsTag[]): string {
  const list = tags.map((t) => `{Key=${t.Key},Value=${t.Value}}`).join(',');
  return `--tag-specifications ${shellQuote(`ResourceType=${resourceType},Tags=[${list}]`)}`;
}
