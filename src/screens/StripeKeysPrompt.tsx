import { useRef, useState } from 'react';
import { Box, Text } from 'ink';
import TextInput from 'ink-text-input';
import type { SessionInfo } from '../app/controller.js';
import { STRIPE_ENV, stripeKeyProblems, type StripeKeys } from '../tasks/hosts/shop/stripe-keys.js';
import { Frame } from './frame/Frame.js';
import { textRows } from './frame/rows.js';
import { splitEnters } from './edit-keys.js';

export interface StripeKeysPromptProps {
  /** The header's project, region and sandbox badge. */
  info: Pick<SessionInfo, 'project' | 'region' | 'sandbox'>;
  /** What the environment already holds (a well-formed key there is not asked again). */
  env: NodeJS.ProcessEnv;
  onSubmit: (keys: StripeKeys) => void;
  onCancel: () => void;
}

type Field = 'publishable' | 'secret';

/**
 * The shop's Stripe keys, typed masked (•), when the environment does not hold them: before `aws-runbook up`
 * runs the hosts section, and in the assistant when Hosts is opened. They stay in this process's memory for
 * the run: never on screen, in the state or a log. Problems are the same checks as for the environment
 * (prefix, same mode), without ever echoing a value.
 */
export function StripeKeysPrompt({ info, env, onSubmit, onCancel }: StripeKeysPromptProps) {
  const [values, setValues] = useState<Record<Field, string>>({ publishable: env[STRIPE_ENV.publishable] ?? '', secret: env[STRIPE_ENV.secret] ?? '' });
  // What submit checks: the keys as typed so far, even a pasted key with its newline.
  const latest = useRef(values);
  const [field, setField] = useState<Field>(() => (stripeKeyProblems(env).some((p) => p.variable === STRIPE_ENV.publishable) ? 'publishable' : 'secret'));
  const [problems, setProblems] = useState<string[]>([]);

  const submit = () => {
    if (field === 'publishable') return setField('secret');
    const asEnv = { [STRIPE_ENV.publishable]: latest.current.publishable.trim(), [STRIPE_ENV.secret]: latest.current.secret.trim() };
    const found = stripeKeyProblems(asEnv);
    if (found.length > 0) {
      setProblems(found.map((p) => `${p.variable} ${p.message}`));
      setField(found[0]?.variable === STRIPE_ENV.publishable ? 'publishable' : 'secret');
      return;
    }
    onSubmit({ publishableKey: asEnv[STRIPE_ENV.publishable] ?? '', secretKey: asEnv[STRIPE_ENV.secret] ?? '' });
  };

  const input = (name: Field, label: string, active: boolean) => (
    <Text wrap="truncate-end">
      <Text color={field === name ? 'cyan' : undefined}>{field === name ? '❯ ' : '  '}</Text>
      {label.padEnd(24)}
      {field === name ? (
        <TextInput
          value={values[name]}
          mask="•"
          focus={active}
          onChange={(raw) => {
            const [value = '', ...after] = splitEnters(raw);
            latest.current = { ...latest.current, [name]: value };
            setValues(latest.current);
            if (after.length > 0) submit();
          }}
          onSubmit={submit}
        />
      ) : (
        <Text dimColor>{values[name] ? '•'.repeat(Math.min(values[name].length, 24)) : '(empty)'}</Text>
      )}
    </Text>
  );

  return (
    <Frame
      info={info}
      title="The shop needs its Stripe keys"
      hints={[['Enter', field === 'publishable' ? 'next' : 'use these keys'], ['Esc', 'cancel (nothing is applied)']]}
      quit={false}
      helpKey={false}
      onKey={(_input, key) => {
        if (key.escape) onCancel();
      }}
    >
      {({ width, active }) => (
        <Box flexDirection="column">
          {textRows('why', `They go to the shop host's .env (mode 0600) only — not to the state file, a log or this screen. Or set ${STRIPE_ENV.publishable} and ${STRIPE_ENV.secret} in the environment.`, width, { dimColor: true })}
          <Text> </Text>
          {input('publishable', 'publishable (pk_…)', active)}
          {input('secret', 'secret (sk_… or rk_…)', active)}
          {problems.flatMap((problem, i) => textRows(`problem-${i}`, `✗ ${problem}`, width, { color: 'red', hang: '  ' }))}
        </Box>
      )}
    </Frame>
  );
}
