import { describe, expect, it } from 'vitest';
import { buildInitConfig } from '../../src/config/init.js';
import { validateConfig } from '../../src/config/validate.js';

describe('buildInitConfig', () => {
  it('writes nothing for answers equal to the seed or empty', () => {
    expect(buildInitConfig({ suffix: 'BFHK', region: 'us-east-2', publicKeyPath: '~/.ssh/id_ed25519.pub', shopSource: '  ' })).toEqual({});
  });

  it('writes only what differs from the seed', () => {
    expect(buildInitConfig({ suffix: ' ACME ', region: 'us-east-2', adminCidr: '203.0.113.0/24', shopSource: '~/shop.zip' })).toEqual({
      suffix: 'ACME',
      access: { adminCidr: '203.0.113.0/24' },
      shop: { source: '~/shop.zip' },
    });
  });

  it('turns a bare address into a /32 and keeps other text for validation to judge', () => {
    expect(buildInitConfig({ adminCidr: '198.51.100.7' }).access?.adminCidr).toBe('198.51.100.7/32');
    expect(buildInitConfig({ adminCidr: 'my laptop' }).access?.adminCidr).toBe('my laptop');
    expect(() => validateConfig(buildInitConfig({ adminCidr: 'my laptop' }), 'init')).toThrow(/access\.adminCidr/);
  });

  it('produces a valid config from typical answers', () => {
    const config = validateConfig(buildInitConfig({ suffix: 'Shop1', region: 'eu-west-3', adminCidr: '198.51.100.7', publicKeyPath: '~/.ssh/ops.pub' }), 'init');
    expect(config.suffix).toBe('Shop1');
    expect(config.access.publicKeyPath).toBe('~/.ssh/ops.pub');
    expect(config.network.mvp.cidr).toBe('10.1.0.0/16');
  });
});
