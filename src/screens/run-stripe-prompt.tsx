import { render } from 'ink';
import type { SessionInfo } from '../app/controller.js';
import type { StripeKeys } from '../tasks/hosts/shop/stripe-keys.js';
import { StripeKeysPrompt } from './StripeKeysPrompt.js';

/** Asks for the Stripe keys in the terminal (masked); undefined when the operator cancels. Its frame is cleared when it is done. */
export async function promptStripeKeys(env: NodeJS.ProcessEnv, info: Pick<SessionInfo, 'project' | 'region' | 'sandbox'>): Promise<StripeKeys | undefined> {
  let keys: StripeKeys | undefined;
  const handle: { done?: () => void } = {};
  const instance = render(
    <StripeKeysPrompt
      info={info}
      env={env}
      onSubmit={(value) => {
        keys = value;
        setTimeout(() => handle.done?.(), 0);
      }}
      onCancel={() => setTimeout(() => handle.done?.(), 0)}
    />,
    { exitOnCtrlC: true },
  );
  // The next screen (the previews) draws where this one was: nothing of it is left above them.
  handle.done = () => {
    instance.clear();
    instance.unmount();
  };
  await instance.waitUntilExit();
  return keys;
}
