import type { ReactElement } from 'react';
import { Text } from 'ink';
import Spinner from 'ink-spinner';
import type { CheckState } from '../../engine/checklist-view.js';
import { CHECK_MARKS } from '../../render/format-checklist.js';
import { capRows, row, textRows } from '../frame/rows.js';

const COLOR = { pass: 'green', fail: 'red', warn: 'yellow', skip: 'gray' } as const;

/** A check's evidence, its details and, when it does not pass, the fix (wrapped). */
export function evidenceRows(state: CheckState, width: number, hint: (text: string) => string): ReactElement[] {
  if (state.kind !== 'finished') return textRows(`${state.meta.id}:wait`, state.kind === 'running' ? 'checking…' : 'not checked yet', width, { indent: '      ', dimColor: true });
  const { outcome, meta } = state;
  return [
    ...textRows(`${meta.id}:id`, meta.id, width, { indent: '      ', dimColor: true }),
    ...textRows(`${meta.id}:evidence`, outcome.evidence, width, { indent: '      ' }),
    ...(outcome.details ?? []).flatMap((line, i) => textRows(`${meta.id}:d${i}`, line, width, { indent: '      ', hang: '        ', dimColor: true })),
    ...(outcome.hint && outcome.status !== 'pass' ? textRows(`${meta.id}:fix`, `fix: ${hint(outcome.hint)}`, width, { indent: '      ', hang: '           ', color: 'cyan' }) : []),
  ];
}

/**
 * One check: cursor, mark (✓ ✗ ! – or a spinner) and title; open (Enter), its evidence under it (at most
 * `maxOpen` rows, the rest on e); a failure or warning shows its evidence and fix in a row each, cut.
 */
export function checkRows(state: CheckState, selected: boolean, open: boolean, width: number, maxOpen: number, hint: (text: string) => string): ReactElement[] {
  const { meta } = state;
  const cursor = <Text color="cyan">{selected ? '❯ ' : '  '}</Text>;
  const mark =
    state.kind === 'finished' ? <Text color={COLOR[state.outcome.status]}>{CHECK_MARKS[state.outcome.status]}</Text> : state.kind === 'running' ? <Spinner type="dots" /> : <Text dimColor>·</Text>;
  const head = row(
    meta.id,
    <>
      {cursor}
      {mark} <Text bold={selected}>{meta.title}</Text>
      {meta.required ? null : <Text dimColor> (optional)</Text>}
    </>,
  );
  if (open) return [head, ...capRows(meta.id, evidenceRows(state, width, hint), maxOpen, (hidden) => `      … ${hidden} more rows: e shows them all`)];
  if (state.kind !== 'finished' || (state.outcome.status !== 'fail' && state.outcome.status !== 'warn')) return [head];
  const { outcome } = state;
  return [
    head,
    row(`${meta.id}:evidence`, `      ${outcome.evidence}`),
    ...(outcome.hint ? [row(`${meta.id}:fix`, <Text>{'      '}<Text color="cyan">fix:</Text> {hint(outcome.hint)}</Text>)] : []),
  ];
}
