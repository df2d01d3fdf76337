import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseEnvFile } from '../../../src/tasks/hosts/shop/env-file.js';
import { keptWordpressPassword, wordpressComposeFile, wordpressEnvFile } from '../../../src/tasks/hosts/wordpress/files.js';

describe('WordPress files', () => {
  it('the compose file has the DB settings of its own user and no password; the env file has the password alone', () => {
    const compose = wordpressComposeFile({ host: 'database-1-bfhk.abc.us-east-2.rds.amazonaws.com', port: 3306 }, 'public');
    const doc = parse(compose) as { services: Record<string, { image: string; ports?: string[]; environment: Record<string, string>; env_file: string[]; volumes: string[]; profiles?: string[]; user?: string }> };
    const service = doc.services['wordpress'];
    expect(service?.image).toBe('wordpress:6-apache');
    expect(service?.ports).toEqual(['80:80']);
    expect(service?.volumes).toEqual(['wordpress_data:/var/www/html']);
    expect(service?.environment).toEqual({
      WORDPRESS_DB_HOST: 'database-1-bfhk.abc.us-east-2.rds.amazonaws.com:3306',
      WORDPRESS_DB_NAME: 'wordpress',
      WORDPRESS_DB_USER: 'wordpress',
    });
    expect(service?.env_file).toEqual(['/opt/wordpress/wordpress.env']);
    expect(compose).not.toMatch(/PASSWORD\s*[:=]/);
    // WP-CLI: the official cli image, only on demand (a profile), on the same volume, environment and
    // (default) network, as www-data of the Debian-based wordpress image (uid 33) that owns the files.
    const cli = doc.services['wp-cli'];
    expect(cli).toEqual({ image: 'wordpress:cli-2', profiles: ['cli'], user: '33:33', environment: service?.environment, env_file: service?.env_file, volumes: service?.volumes });

    const password = 'Abcdefghijklmnop_1234-xyz';
    expect(Object.fromEntries(parseEnvFile(wordpressEnvFile(password)))).toEqual({ WORDPRESS_DB_PASSWORD: password });
  });

  it('publishes port 80 on the loopback only until WordPress is installed', () => {
    const endpoint = { host: 'db.internal', port: 3306 };
    const ports = (exposure: 'loopback' | 'public') => (parse(wordpressComposeFile(endpoint, exposure)) as { services: Record<string, { ports?: string[] }> }).services;
    expect(ports('loopback')['wordpress']?.ports).toEqual(['127.0.0.1:80:80']);
    expect(ports('public')['wordpress']?.ports).toEqual(['80:80']);
    expect(ports('public')['wp-cli']?.ports).toBeUndefined();
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
    expect(() => wordpressComposeFile({ host: 'x"; evil: 1', port: 3306 }, 'loopback')).toThrow(/not a database host name/);
  });
});
