import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from './helpers/render-screen.js';
import { StripeKeysPrompt } from '../../src/screens/StripeKeysPrompt.js';
import { renderScreen } from './helpers/render-screen.js';

afterEach(() => cleanup());

const INFO = { project: 'bfhk', region: 'us-east-2', sandbox: false };
const PK = 'pk_test_51Hq0aBcDeFgHiJkLmNoPq';
const SK = 'sk_test_51Hq0aBcDeFgHiJkLmNoPqRsTu';

describe('StripeKeysPrompt', () => {
  it('takes both keys masked: no character of either is ever on screen', async () => {
    const onSubmit = vi.fn();
    const screen = await renderScreen(<StripeKeysPrompt info={INFO} env={{}} onSubmit={onSubmit} onCancel={vi.fn()} />);
    await screen.waitForFrame('The shop needs its Stripe keys');
    await screen.type(PK);
    await screen.press('enter');
    await screen.waitForFrame('use these keys');
    await screen.type(SK);
    const frame = screen.frame();
    expect(frame).not.toContain('pk_test');
    expect(frame).not.toContain('sk_test');
    expect(frame).toContain('•'.repeat(8));
    await screen.press('enter');
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith({ publishableKey: PK, secretKey: SK }));
  });

  it('refuses a malformed key with what is wrong, never the value, and keeps asking', async () => {
    const onSubmit = vi.fn();
    const screen = await renderScreen(<StripeKeysPrompt info={INFO} env={{ STRIPE_PUBLISHABLE_KEY: PK }} onSubmit={onSubmit} onCancel={vi.fn()} />);
    // A well-formed key from the environment is not asked again: the cursor starts on the secret key.
    await screen.waitForFrame('use these keys');
    await screen.type('sk_tset_oops1234567890abcdef');
    await screen.press('enter');
    const frame = await screen.waitForFrame('does not look like a Stripe secret key');
    expect(frame).toContain('STRIPE_SECRET_KEY');
    expect(frame).not.toContain('oops');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('Esc cancels', async () => {
    const onCancel = vi.fn();
    const screen = await renderScreen(<StripeKeysPrompt info={INFO} env={{}} onSubmit={vi.fn()} onCancel={onCancel} />);
    await screen.waitForFrame('Stripe keys');
    await screen.press('escape');
    expect(onCancel).toHaveBeenCalled();
  });
});
