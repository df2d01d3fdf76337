import { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import TextInput from 'ink-text-input';
import { STRIPE_ENV, stripeKeyProblems, type StripeKeys } from '../tasks/hosts/shop/stripe-keys.js';
import { KeyHints } from './components/KeyHints.js';

export interface StripeKeysPromptProps {
  /** What the environment already holds (a well-formed key there is not asked again). */
  env: NodeJS.ProcessEnv;
  onSubmit: (keys: StripeKeys) => void;
  onCancel: () => void;
}

type Field = 'publishable' | 'secret';

/**
 * The shop's Stripe keys, typed masked (•), for `aws-runbook up` in a terminal when the environment does
 * not hold them. They stay in this process's memory for the run: never on screen, in the state or a log.
 * Problems are the same checks as for the environment (prefix, same mode), without ever echoing a value.
 */
export function StripeKeysPrompt({ env, onSubmit, onCancel }: StripeKeysPromptProps) {
  const [values, setValues] = useState<Record<Field, string>>({
    publishable: env[STRIPE_ENV.publishable] ?? '',
    secret: env[STRIPE_ENV.secret] ?? '',
  });
  const [field, setField] = useState<Field>(() =>
    stripeKeyProblems(env).some((p) => p.variable === STRIPE_ENV.publishable) ? 'publishable' : 'secret',
  );
  const [problems, setProblems] = useState<string[]>([]);

  useInput((_input, key) => {
    if (key.escape) onCancel();
  });

  const submit = () => {
    if (field === 'publishable') return setField('secret');
    const asEnv = { [STRIPE_ENV.publishable]: values.publishable.trim(), [STRIPE_ENV.secret]: values.secret.trim() };
    const found = stripeKeyProblems(asEnv);
    if (found.length > 0) {
      setProblems(found.map((p) => `${p.variable} ${p.message}`));
      setField(found[0]?.variable === STRIPE_ENV.publishable ? 'publishable' : 'secret');
      return;
    }
    onSubmit({ publishableKey: asEnv[STRIPE_ENV.publishable] ?? '', secretKey: asEnv[STRIPE_ENV.secret] ?? '' });
  };

  const input = (name: Field, label: string) => (
    <Text>
      <Text color={field === name ? 'cyan' : undefined}>{field === name ? '❯ ' : '  '}</Text>
      {label.padEnd(24)}
      {field === name ? (
        <TextInput value={values[name]} mask="•" onChange={(value) => setValues((v) => ({ ...v, [name]: value }))} onSubmit={submit} />
      ) : (
        <Text dimColor>{values[name] ? '•'.repeat(Math.min(values[name].length, 24)) : '(empty)'}</Text>
      )}
    </Text>
  );

  return (
    <Box flexDirection="column">
      <Text bold>The shop needs its Stripe keys</Text>
      <Text dimColor>
        They go to the shop host&apos;s .env (mode 0600) only — not to the state file, a log or this screen. Or set {STRIPE_ENV.publishable} and{' '}
        {STRIPE_ENV.secret} in the environment.
      </Text>
      {input('publishable', 'publishable (pk_…)')}
      {input('secret', 'secret (sk_… or rk_…)')}
      {problems.map((problem) => (
        <Text key={problem} color="red">
          ✗ {problem}
        </Text>
      ))}
      <KeyHints hints={[['Enter', field === 'publishable' ? 'next' : 'use these keys'], ['Esc', 'cancel (nothing is applied)']]} quit={false} />
    </Box>
  );
}
