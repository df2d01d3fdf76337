import { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import Spinner from 'ink-spinner';
import TextInput from 'ink-text-input';
import { KeyHints } from './components/KeyHints.js';
import { PRODUCT } from './labels.js';

/** The form's answers (structurally the `InitAnswers` of config/init.ts, every field a string). */
export interface InitAnswers {
  suffix: string;
  region: string;
  adminCidr: string;
  publicKeyPath: string;
  shopSource: string;
}

export type InitField = keyof InitAnswers;

/** What the caller says of the answers: written, or which field is wrong and why. */
export type InitSubmitResult = { ok: true } | { ok: false; field?: InitField; message: string };

export interface InitFormProps {
  /** The file the caller writes, shown in the title. */
  path?: string;
  initial?: Partial<InitAnswers>;
  /** Said under a field the caller filled in (e.g. where an offered admin address comes from). */
  notes?: Partial<Record<InitField, string>>;
  /** Validates and writes the config file; the form shows the error next to the field it names. */
  onSubmit: (answers: InitAnswers) => InitSubmitResult | Promise<InitSubmitResult>;
  onCancel?: () => void;
}

const FIELDS: { id: InitField; label: string; placeholder: string; help: string }[] = [
  { id: 'suffix', label: 'Project suffix', placeholder: 'BFHK', help: 'goes into every Name tag' },
  { id: 'region', label: 'Region', placeholder: 'us-east-2', help: 'where everything is created' },
  { id: 'adminCidr', label: 'Admin CIDR', placeholder: '203.0.113.7/32', help: 'your own IP range, for SSH and admin UIs' },
  { id: 'publicKeyPath', label: 'Public key', placeholder: '~/.ssh/id_ed25519.pub', help: 'imported as the EC2 key pair' },
  { id: 'shopSource', label: 'Shop source', placeholder: './rocket-ecommerce.tar.gz', help: 'archive or folder of the shop' },
];

const DEFAULTS: InitAnswers = { suffix: 'BFHK', region: 'us-east-2', adminCidr: '', publicKeyPath: '~/.ssh/id_ed25519.pub', shopSource: '' };

/** `aws-runbook init` in a TTY: five fields, Enter moves on, the last Enter submits. */
export function InitForm({ path, initial, notes, onSubmit, onCancel }: InitFormProps) {
  const [answers, setAnswers] = useState<InitAnswers>({ ...DEFAULTS, ...initial });
  const [index, setIndex] = useState(0);
  const [error, setError] = useState<{ field?: InitField; message: string } | undefined>();
  const [state, setState] = useState<'editing' | 'saving' | 'saved'>('editing');

  const submit = async () => {
    setState('saving');
    let result: InitSubmitResult;
    try {
      result = await onSubmit(answers);
    } catch (thrown) {
      result = { ok: false, message: thrown instanceof Error ? thrown.message : String(thrown) };
    }
    if (result.ok) {
      setError(undefined);
      setState('saved');
      return;
    }
    setError({ field: result.field, message: result.message });
    const at = FIELDS.findIndex((f) => f.id === result.field);
    if (at >= 0) setIndex(at);
    setState('editing');
  };

  useInput(
    (input, key) => {
      if (key.escape || (key.ctrl && input === 'c')) onCancel?.();
      else if (key.upArrow) setIndex((i) => Math.max(0, i - 1));
      else if (key.downArrow || key.tab) setIndex((i) => Math.min(FIELDS.length - 1, i + 1));
    },
    { isActive: state === 'editing' },
  );

  const onFieldSubmit = () => {
    if (index < FIELDS.length - 1) setIndex(index + 1);
    else void submit();
  };

  return (
    <Box flexDirection="column">
      <Text bold color="cyan">
        {PRODUCT} init <Text dimColor>— writes {path ?? 'aws-runbook.yaml'}</Text>
      </Text>
      <Box flexDirection="column" marginTop={1}>
        {FIELDS.map((field, i) => (
          <Box key={field.id} flexDirection="column">
            <Box>
              <Text color={i === index ? 'cyan' : undefined}>{`${i === index ? '❯' : ' '} ${field.label.padEnd(15)}`}</Text>
              <TextInput
                value={answers[field.id]}
                placeholder={field.placeholder}
                focus={state === 'editing' && i === index}
                showCursor={i === index}
                onChange={(value) => setAnswers((a) => ({ ...a, [field.id]: value }))}
                onSubmit={onFieldSubmit}
              />
              {error?.field === field.id ? <Text color="red">{`  ✗ ${error.message}`}</Text> : null}
            </Box>
            {i === index ? <Text dimColor>{`                 ${field.help}`}</Text> : null}
            {notes?.[field.id] ? <Text color="yellow">{`                 ${notes[field.id] ?? ''}`}</Text> : null}
          </Box>
        ))}
      </Box>
      {error && !error.field ? <Text color="red">✗ {error.message}</Text> : null}
      {state === 'saving' ? (
        <Text>
          <Spinner type="dots" /> checking and writing…
        </Text>
      ) : null}
      {state === 'saved' ? <Text color="green">✓ written. Next: aws-runbook plan</Text> : null}
      <KeyHints
        hints={[
          ['Enter', index < FIELDS.length - 1 ? 'next field' : 'save'],
          ['↑/↓', 'move'],
          ['Esc/Ctrl-C', 'cancel'],
        ]}
        quit={false}
      />
    </Box>
  );
}
