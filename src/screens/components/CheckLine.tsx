import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { CheckState } from '../../engine/checklist-view.js';
import { CHECK_MARKS } from '../../render/format-checklist.js';

const COLOR = { pass: 'green', fail: 'red', warn: 'yellow', skip: 'gray' } as const;

export interface CheckLineProps {
  state: CheckState;
  selected: boolean;
  /** Show the evidence and details (the selected line, opened with Enter). */
  open: boolean;
}

/** One check: its mark (✓ ✗ ! – or a spinner), title, and under it the evidence when open, the fix when it failed. */
export function CheckLine({ state, selected, open }: CheckLineProps) {
  const { meta } = state;
  const cursor = <Text color="cyan">{selected ? '❯ ' : '  '}</Text>;
  if (state.kind !== 'finished') {
    return (
      <Text dimColor={state.kind === 'waiting'}>
        {cursor}
        {state.kind === 'running' ? <Spinner type="dots" /> : '·'} {meta.title}
      </Text>
    );
  }
  const { outcome } = state;
  const explain = outcome.status === 'fail' || outcome.status === 'warn';
  return (
    <Box flexDirection="column">
      <Text>
        {cursor}
        <Text color={COLOR[outcome.status]}>{CHECK_MARKS[outcome.status]}</Text> <Text bold={selected}>{meta.title}</Text>
        {meta.required ? null : <Text dimColor> (optional)</Text>}
        {open ? <Text dimColor>{`  ${meta.id}`}</Text> : null}
      </Text>
      {open || explain ? <Text>{`      ${outcome.evidence}`}</Text> : null}
      {open || explain ? (outcome.details ?? []).map((line, i) => <Text key={i} dimColor>{`      ${line}`}</Text>) : null}
      {outcome.hint && outcome.status !== 'pass' ? (
        <Text>
          {'      '}
          <Text color="cyan">fix:</Text> {outcome.hint}
        </Text>
      ) : null}
    </Box>
  );
}
