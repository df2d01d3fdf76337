import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseEnvFile } from '../../../src/tasks/hosts/shop/env-file.js';
import { keptWordpressPassword, wordpressComposeFile, wordpressEnvFile } from '../../../src/tasks/hosts/wordpress/files.js';

describe('WordPress files', () => {
  it('the compose file has the DB settings of its own user and no password; the env file has the password alone', () => {
    const compose = wordpressComposeFile({ host: 'database-1-bfhk.abc.us-east-2.rds.amazonaws.com', port: 3306 });
    const doc = parse(compose) as { services: Record<string, { image: string; ports: string[]; environment: Record<string, string>; env_file: string[] }> };
    const service = doc.services['wordpress'];
    expect(service?.image).toBe('wordpress:6-apache');
    expect(service?.ports).toEqual(['80:80']);
    expect(service?.environment).toEqual({
      WORDPRESS_DB_HOST: 'database-1-bfhk.abc.us-east-2.rds.amazonaws.com:3306',
      WORDPRESS_DB_NAME: 'wordpress',
      WORDPRESS_DB_USER: 'wordpress',
    });
    expect(service?.env_file).toEqual(['/opt/wordpress/wordpress.env']);
    expect(compose).not.toMatch(/PASSWORD\s*[:=]/);

    const password = 'Abcdefghijklmnop_1234-xyz';
    expect(Object.fromEntries(parseEnvFile(wordpressEnvFile(password)))).toEqual({ WORDPRESS_DB_PASSWORD: password });
  });

  it('keeps the password read back from the host, or generates one', () => {
    const kept = keptWordpressPassword(wordpressEnvFile('Abcdefghijklmnop_1234-xyz'));
    expect(kept).toEqual({ password: 'Abcdefghijklmnop_1234-xyz', generated: false });
    const fresh = keptWordpressPassword(undefined);
    expect(fresh.generated).toBe(true);
    expect(fresh.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(keptWordpressPassword('WORDPRESS_DB_PASSWORD=short\n').generated).toBe(true);
  });

  it('refuses a database host that would need YAML quoting tricks', () => {
    expect(() => wordpressComposeFile({ host: 'x"; evil: 1', port: 3306 })).toThrow(/not a database host name/);
  });
});
