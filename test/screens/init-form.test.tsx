import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from './helpers/render-screen.js';
import { InitForm, type InitAnswers, type InitSubmitResult } from '../../src/screens/InitForm.js';
import { initErrorFrom } from '../../src/screens/init-errors.js';
import { renderScreen } from './helpers/render-screen.js';

afterEach(() => cleanup());

const lineWith = (frame: string, text: string) => frame.split('\n').find((line) => line.includes(text)) ?? '';

describe('InitForm', () => {
  it('walks the fields with Enter, submits, and shows the returned error next to its field', async () => {
    const results: InitSubmitResult[] = [
      { ok: false, field: 'adminCidr', message: '0.0.0.0/0 opens SSH to everyone' },
      { ok: true },
    ];
    const onSubmit = vi.fn(async (_answers: InitAnswers) => results.shift() ?? { ok: true as const });
    const screen = await renderScreen(<InitForm path="/tmp/x/aws-runbook.yaml" onSubmit={onSubmit} />);
    let frame = await screen.waitForFrame('Project suffix');
    expect(frame).toContain('writes /tmp/x/aws-runbook.yaml');
    expect(lineWith(frame, 'Admin CIDR')).toContain('203.0.113.7/32'); // a placeholder, not a default
    expect(lineWith(frame, 'Project suffix')).toContain('❯');

    await screen.press('enter'); // suffix: BFHK
    await screen.press('enter'); // region: us-east-2
    await screen.waitForFrame((f) => lineWith(f, 'Admin CIDR').includes('❯'));
    await screen.type('0.0.0.0/0');
    await screen.press('enter');
    await screen.press('enter'); // public key: default
    await screen.type('./shop.tar.gz');
    expect(onSubmit).not.toHaveBeenCalled();
    await screen.press('enter');

    frame = await screen.waitForFrame('opens SSH to everyone');
    expect(onSubmit).toHaveBeenCalledWith({
      suffix: 'BFHK',
      region: 'us-east-2',
      adminCidr: '0.0.0.0/0',
      publicKeyPath: '~/.ssh/id_ed25519.pub',
      shopSource: './shop.tar.gz',
    });
    expect(lineWith(frame, 'Admin CIDR')).toContain('✗ 0.0.0.0/0 opens SSH to everyone');
    expect(lineWith(frame, 'Admin CIDR')).toContain('❯'); // focus went back to the field at fault

    for (let i = 0; i < '0.0.0.0/0'.length; i++) await screen.press('backspace');
    await screen.type('203.0.113.7/32');
    await screen.press('enter');
    await screen.press('enter');
    await screen.press('enter');
    frame = await screen.waitForFrame('✓ written');
    expect(onSubmit).toHaveBeenCalledTimes(2);
    expect(onSubmit.mock.calls[1]?.[0].adminCidr).toBe('203.0.113.7/32');
  });

  it('an offered admin address is filled in, says where it comes from, and can be changed', async () => {
    const onSubmit = vi.fn(async (_answers: InitAnswers) => ({ ok: true as const }));
    const note = "offered: 93.184.215.14/32, this machine's public address, on its interface eth1; change it if you connect from elsewhere";
    const screen = await renderScreen(<InitForm initial={{ adminCidr: '93.184.215.14/32' }} notes={{ adminCidr: note }} onSubmit={onSubmit} />);
    const frame = await screen.waitForFrame('Project suffix');
    expect(lineWith(frame, 'Admin CIDR')).toContain('93.184.215.14/32');
    expect(frame.replace(/\s+/g, ' ')).toContain(note); // wrapped to the terminal's width
    for (let i = 0; i < 5; i++) await screen.press('enter');
    await screen.waitForFrame('✓ written');
    expect(onSubmit.mock.calls[0]?.[0].adminCidr).toBe('93.184.215.14/32');
  });

  it('Esc cancels', async () => {
    const onCancel = vi.fn();
    const screen = await renderScreen(<InitForm onSubmit={() => ({ ok: true })} onCancel={onCancel} />);
    await screen.waitForFrame('Project suffix');
    await screen.press('escape');
    expect(onCancel).toHaveBeenCalledTimes(1);
  });
});

describe('initErrorFrom', () => {
  it('points a config issue at the form field that sets it', () => {
    const error = Object.assign(new Error('invalid'), {
      issues: [{ field: 'access.adminCidr', message: '"0.0.0.0/0" is open to the world', fix: 'use your own /32' }],
    });
    expect(initErrorFrom(error)).toEqual({
      ok: false,
      field: 'adminCidr',
      message: '"0.0.0.0/0" is open to the world — fix: use your own /32',
    });
  });

  it('keeps other errors general', () => {
    const fileExists = Object.assign(new Error('x'), { issues: [{ field: '', message: 'the file already exists', fix: 'pass --force' }] });
    expect(initErrorFrom(fileExists)).toEqual({ ok: false, message: 'the file already exists — fix: pass --force' });
    expect(initErrorFrom(new Error('disk full'))).toEqual({ ok: false, message: 'disk full' });
  });
});
