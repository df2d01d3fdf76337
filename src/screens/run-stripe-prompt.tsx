import { render } from 'ink';
import type { StripeKeys } from '../tasks/hosts/shop/stripe-keys.js';
import { StripeKeysPrompt } from './StripeKeysPrompt.js';

/** Asks for the Stripe keys in the terminal (masked); undefined when the operator cancels. */
export async function promptStripeKeys(env: NodeJS.ProcessEnv): Promise<StripeKeys | undefined> {
  let keys: StripeKeys | undefined;
  const handle: { unmount?: () => void } = {};
  const instance = render(
    <StripeKeysPrompt
      env={env}
      onSubmit={(value) => {
        keys = value;
        setTimeout(() => handle.unmount?.(), 0);
      }}
      onCancel={() => setTimeout(() => handle.unmount?.(), 0)}
    />,
    { exitOnCtrlC: true },
  );
  handle.unmount = instance.unmount;
  await instance.waitUntilExit();
  return keys;
}
