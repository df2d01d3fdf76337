import { useRef, useState } from 'react';
import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import TextInput from 'ink-text-input';
import { Frame } from './frame/Frame.js';
import { textRows } from './frame/rows.js';
import { splitEnters } from './edit-keys.js';
import { DEFAULTS, FIELDS } from './init-fields.js';

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
  /** Said above the fields (the assistant: why it asks before anything else). */
  intro?: string;
  /** Said once the file is written (default: what to run next). */
  savedNote?: string;
}

const HANG = ' '.repeat(17);

/** `aws-runbook init` in a TTY (and the assistant's first screen when there is no config file): five fields, Enter moves on, the last Enter submits. */
export function InitForm({ path, initial, notes, onSubmit, onCancel, intro, savedNote = 'Next: aws-runbook plan' }: InitFormProps) {
  const [answers, setAnswers] = useState<InitAnswers>({ ...DEFAULTS, ...initial });
  // What submit sends: the answers as typed so far, even those typed in the same burst as the last Enter.
  const latest = useRef(answers);
  const answer = (field: InitField, value: string) => {
    latest.current = { ...latest.current, [field]: value };
    setAnswers(latest.current);
  };
  const [index, setIndex] = useState(0);
  // Where the keys go now, even before the field they moved to is drawn (Enters typed fast).
  const position = useRef(0);
  const move = (to: number) => {
    position.current = Math.min(Math.max(0, to), FIELDS.length - 1);
    setIndex(position.current);
  };
  const [error, setError] = useState<{ field?: InitField; message: string } | undefined>();
  const [state, setState] = useState<'editing' | 'saving' | 'saved'>('editing');

  const submit = async () => {
    setState('saving');
    let result: InitSubmitResult;
    try {
      result = await onSubmit(latest.current);
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
    if (at >= 0) move(at);
    setState('editing');
  };

  /** Enter (`times` of them when they came in a burst): the next field, or from the last one, save. */
  const onFieldSubmit = (times: number) => {
    if (position.current + times < FIELDS.length) move(position.current + times);
    else void submit();
  };

  return (
    <Frame
      info={{ project: answers.suffix.toLowerCase() || 'new project', region: answers.region || '?', sandbox: false }}
      title={`Setup — writes ${path ?? 'aws-runbook.yaml'}`}
      hints={[['Enter', index < FIELDS.length - 1 ? 'next field' : 'save'], ['↑/↓', 'move'], ['Esc/Ctrl-C', 'cancel']]}
      quit={false}
      helpKey={false}
      onKey={(input, key) => {
        if (state !== 'editing') return;
        if (key.escape || (key.ctrl && input === 'c')) onCancel?.();
        else if (key.upArrow) move(position.current - 1);
        else if (key.downArrow || key.tab) move(position.current + 1);
      }}
    >
      {({ width, active }) => (
        <Box flexDirection="column">
          {intro ? textRows('intro', intro, width) : null}
          {FIELDS.map((field, i) => (
            <Box key={field.id} flexDirection="column">
              <Box>
                <Text color={i === index ? 'cyan' : undefined}>{`${i === index ? '❯' : ' '} ${field.label.padEnd(15)}`}</Text>
                <TextInput
                  value={answers[field.id]}
                  placeholder={field.placeholder}
                  focus={active && state === 'editing' && i === index}
                  showCursor={i === index}
                  onChange={(raw) => {
                    // Keys in a burst: the text after each Enter goes on in the next field, as if typed there.
                    const [value = '', ...after] = splitEnters(raw);
                    answer(field.id, value);
                    after.forEach((text, i) => {
                      const next = FIELDS[position.current + i + 1];
                      if (next && text) answer(next.id, latest.current[next.id] + text);
                    });
                    if (after.length > 0) onFieldSubmit(after.length);
                  }}
                  onSubmit={() => onFieldSubmit(1)}
                />
                {error?.field === field.id ? (
                  <Box flexShrink={1}>
                    <Text color="red">{`  ✗ ${error.message}`}</Text>
                  </Box>
                ) : null}
              </Box>
              {i === index ? <Text dimColor>{`${HANG}${field.help}`}</Text> : null}
              {notes?.[field.id] ? textRows(`note-${field.id}`, notes[field.id] ?? '', width, { indent: HANG, color: 'yellow' }) : null}
            </Box>
          ))}
          {error && !error.field ? textRows('error', `✗ ${error.message}`, width, { color: 'red' }) : null}
          {state === 'saving' ? (
            <Text>
              <Spinner type="dots" /> checking and writing…
            </Text>
          ) : null}
          {state === 'saved' ? <Text color="green">{`✓ written. ${savedNote}`}</Text> : null}
        </Box>
      )}
    </Frame>
  );
}
