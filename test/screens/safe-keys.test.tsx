import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/screens/App.js';
import { InitForm, type InitAnswers } from '../../src/screens/InitForm.js';
import { StripeKeysPrompt } from '../../src/screens/StripeKeysPrompt.js';
import { applyEditingKeys } from '../../src/screens/edit-keys.js';
import type { PlannedStep } from '../../src/engine/types.js';
import { FakeController } from './fake-controller.js';
import { cleanup, renderScreen } from './helpers/render-screen.js';
import { NETWORK_PLAN, PEERING_PLAN, SECTIONS } from './fixtures.js';

afterEach(() => cleanup());

const THREE: PlannedStep[] = [...NETWORK_PLAN, { ...NETWORK_PLAN[0]!, stepId: 'network.ia.vpc', title: 'IA VPC' }];
const plans = { network: THREE, peering: PEERING_PLAN };
const lineWith = (frame: string, text: string) => frame.split('\n').find((line) => line.includes(text)) ?? '';

/** The assistant on the network preview (Welcome → Overview → Enter). */
async function atNetworkPreview(controller: FakeController, onExit = vi.fn()) {
  const screen = await renderScreen(<App controller={controller} onExit={onExit} />, { columns: 80, rows: 24 });
  await screen.waitForFrame('Enter overview');
  await screen.press('enter');
  await screen.waitForFrame('next: Network');
  await screen.press('enter');
  await screen.waitForFrame('[create] MVP VPC');
  return screen;
}

describe('q in step-by-step mode', () => {
  it('asks, stops the run cleanly (the step at the prompt is not "declined"), and goes back to the Overview, which says where it stopped; exit only from there', async () => {
    const controller = new FakeController({ sections: SECTIONS, plans });
    const onExit = vi.fn();
    const screen = await atNetworkPreview(controller, onExit);
    await screen.press('t');
    await screen.waitForFrame('apply MVP VPC? y/n');
    await screen.press('y');
    let frame = await screen.waitForFrame('apply MVP internet gateway? y/n');
    expect(frame).toContain('1 finished · 0 running · 2 to go');
    await screen.press('q');
    frame = await screen.waitForFrame('Stop the run?');
    expect(controller.calls.abort).toBe(0);
    await screen.press('y');
    frame = await screen.waitForFrame('─ Overview');
    expect(frame).toMatch(/Stopped.*the state records where/s);
    expect(frame).toMatch(/◐ Network\s+partial/);
    expect(onExit).not.toHaveBeenCalled();
    expect(controller.calls.abort).toBe(1);
    // The step at the prompt was not declined, and the steps after it were never started: they say so.
    const skipped = controller.events.flatMap((e) => (e.type === 'step-skipped' ? [`${e.stepId}: ${e.reason}`] : []));
    expect(skipped).toEqual(['network.mvp.igw: not started: the run was stopped']);
    expect(screen.frames().some((f) => f.includes('0 to go') && f.includes('1 finished') && !f.includes('not started'))).toBe(false);
    // The Overview is where q leaves.
    await screen.press('q');
    expect(onExit).toHaveBeenCalledWith(130);
  });

  it('a: this step and the rest of the section without asking again', async () => {
    const controller = new FakeController({ sections: SECTIONS, plans });
    const screen = await atNetworkPreview(controller);
    await screen.press('t');
    const frame = await screen.waitForFrame('apply MVP VPC? y/n');
    expect(frame).toMatch(/a apply the rest of network/);
    await screen.press('a');
    await screen.waitForFrame('next: Peering');
    expect(controller.calls.confirmed).toEqual(['network.mvp.vpc']);
    expect(controller.events.filter((e) => e.type === 'step-done').map((e) => e.stepId)).toEqual(THREE.map((s) => s.stepId));
  });

  it('Esc (or n) at the question goes on with the run', async () => {
    const controller = new FakeController({ sections: SECTIONS, plans }).hangStep('network.mvp.igw');
    const screen = await atNetworkPreview(controller);
    await screen.press('y');
    await screen.waitForFrame('working on MVP internet gateway');
    await screen.press('q');
    await screen.waitForFrame('Stop the run?');
    await screen.press('escape');
    await screen.waitForFrame((f) => !f.includes('Stop the run?'));
    expect(controller.calls.abort).toBe(0);
    expect(screen.frame()).toMatch(/1 finished · 1 running · 1 to go · \d+s/);
  });
});

describe('keys that arrive in a burst', () => {
  it('Backspaces typed together delete characters instead of inserting DEL characters (the setup form)', async () => {
    const onSubmit = vi.fn(async (_answers: InitAnswers) => ({ ok: true as const }));
    const screen = await renderScreen(<InitForm onSubmit={onSubmit} />, { columns: 80, rows: 24 });
    await screen.waitForFrame('Project suffix');
    for (let i = 0; i < 4; i++) await screen.press('backspace'); // one at a time: BFHK gone
    await screen.type('ACME');
    await screen.type('\u007F\u007F\u007F'); // three at once, as a fast typist or a slow link sends them
    await screen.type('CME2\u007F\u007F9'); // text and Backspace in one chunk
    expect(lineWith(screen.frame(), 'Project suffix')).toMatch(/ACM9/);
    for (let i = 0; i < 5; i++) await screen.press('enter');
    await screen.waitForFrame('✓ written');
    expect(onSubmit.mock.calls[0]?.[0].suffix).toBe('ACM9');
    expect(JSON.stringify(onSubmit.mock.calls[0]?.[0])).not.toMatch(/\\u007f/i);
  });

  it('Enters typed together move on as many fields, the last one saves: nothing is lost, no control character is kept', async () => {
    const onSubmit = vi.fn(async (_answers: InitAnswers) => ({ ok: true as const }));
    const screen = await renderScreen(<InitForm onSubmit={onSubmit} />, { columns: 80, rows: 24 });
    await screen.waitForFrame('Project suffix');
    await screen.type('\r\r203.0.113.9/32\r'); // suffix and region kept, the admin range typed, on to the key
    await screen.waitForFrame((f) => lineWith(f, 'Public key').includes('❯'));
    await screen.type('\r./shop.zip\r');
    await screen.waitForFrame('✓ written');
    expect(onSubmit).toHaveBeenCalledWith({ suffix: 'BFHK', region: 'us-east-2', adminCidr: '203.0.113.9/32', publicKeyPath: '~/.ssh/id_ed25519.pub', shopSource: './shop.zip' });
  });

  it('the same in the masked Stripe keys', async () => {
    const onSubmit = vi.fn();
    const screen = await renderScreen(<StripeKeysPrompt info={{ project: 'bfhk', region: 'us-east-2', sandbox: false }} env={{}} onSubmit={onSubmit} onCancel={vi.fn()} />);
    await screen.waitForFrame('Stripe keys');
    await screen.type('pk_test_51Hq0aBcDeFgHiJkLmNoPqXX\u007F\u007F');
    await screen.press('enter');
    await screen.type('sk_test_51Hq0aBcDeFgHiJkLmNoPqRsTu\n'); // pasted with its newline
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith({ publishableKey: 'pk_test_51Hq0aBcDeFgHiJkLmNoPq', secretKey: 'sk_test_51Hq0aBcDeFgHiJkLmNoPqRsTu' }));
  });

  it('applyEditingKeys: DEL and BS delete the character before them; other control characters are dropped', () => {
    expect(applyEditingKeys('abc\u007F\u007Fd')).toBe('ad');
    expect(applyEditingKeys('\u007Fab\bc')).toBe('ac');
    expect(applyEditingKeys('a\u001B[Ab')).toBe('a[Ab');
  });
});
