import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../../src/config/schema.js';
import { parsePublicKey } from '../../src/tasks/compute/public-key.js';
import { rehearsalConfig, REHEARSAL_ADMIN_CIDR, throwawayPublicKey } from '../../src/sandbox/rehearsal-config.js';

describe('the rehearsal config', () => {
  it('makes a valid OpenSSH ed25519 public key', () => {
    const line = throwawayPublicKey();
    expect(line).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]+=* aws-runbook-sandbox$/);
    expect(parsePublicKey(line, '/tmp/x.pub').type).toBe('ed25519');
    expect(throwawayPublicKey()).not.toBe(line);
  });

  it('fills in a documentation admin range and a throwaway key, and says so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'awsrb-rehearsal-'));
    const lines: string[] = [];
    const config = await rehearsalConfig(configSchema.parse({ access: { publicKeyPath: '/nonexistent/id.pub' } }), dir, (l) => lines.push(l));
    expect(config.access.adminCidr).toBe(REHEARSAL_ADMIN_CIDR);
    expect(config.access.publicKeyPath).toBe(join(dir, 'sandbox-key.pub'));
    expect(lines.join('\n')).toMatch(/documentation range/);
    expect(lines.join('\n')).toMatch(/throwaway key/);
  });

  it('keeps what the operator configured', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'awsrb-rehearsal-'));
    const key = join(dir, 'mine.pub');
    await writeFile(key, `${throwawayPublicKey('me')}\n`);
    const input = configSchema.parse({ access: { adminCidr: '198.51.100.0/24', publicKeyPath: key } });
    const lines: string[] = [];
    expect(await rehearsalConfig(input, dir, (l) => lines.push(l))).toBe(input);
    expect(lines).toEqual([]);
  });
});
