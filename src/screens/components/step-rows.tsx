import type { ReactElement } from 'react';
import { Text } from 'ink';
import type { PlannedStep } from '../../engine/types.js';
import { formatUsd } from '../../render/format-units.js';
import { capRows, splitRow, textRows } from '../frame/rows.js';
import { ActionBadge } from './ActionBadge.js';

/** A planned step's details: its id and summary, the conflict, the `aws` CLI lines, the notes (how it differs from the runbook). */
export function stepDetailRows(step: PlannedStep, width: number): ReactElement[] {
  const { preview } = step;
  const key = step.stepId;
  return [
    ...textRows(`${key}:id`, step.stepId, width, { indent: '    ', dimColor: true }),
    ...textRows(`${key}:summary`, preview.summary, width, { indent: '    ' }),
    ...(step.action === 'conflict' ? textRows(`${key}:conflict`, `conflict: ${step.reason ?? 'something else is there'}`, width, { indent: '    ', hang: '      ', color: 'red' }) : []),
    ...preview.cli.flatMap((line, i) => textRows(`${key}:cli${i}`, `$ ${line}`, width, { indent: '    ', hang: '        ', dimColor: true })),
    ...(preview.notes ?? []).flatMap((note, i) => textRows(`${key}:note${i}`, `note: ${note}`, width, { indent: '    ', hang: '          ', color: 'cyan' })),
  ];
}

/** A planned step's one row: the cursor, its action, its title (cut with …) and its monthly cost at the right. */
export function stepRow(step: PlannedStep, selected: boolean, width: number): ReactElement {
  const cost = step.preview.monthlyCostUsd;
  return splitRow(
    step.stepId,
    <>
      <Text color="cyan">{selected ? '❯ ' : '  '}</Text>
      <ActionBadge action={step.action} /> <Text bold={selected}>{step.title}</Text>
    </>,
    cost !== undefined ? <Text color="yellow">{`${formatUsd(cost)}/month`}</Text> : null,
    width,
  );
}

/**
 * The preview's list: one row per step, the selected one followed by its details (at most `maxDetail` rows;
 * the rest on `d`). Also says where the selected step's rows are, for the view to follow.
 */
export function previewRows(steps: readonly PlannedStep[], selected: number, width: number, maxDetail: number) {
  const rows: ReactElement[] = [];
  let follow = { from: 0, to: 0 };
  steps.forEach((step, i) => {
    const from = rows.length;
    rows.push(stepRow(step, i === selected, width));
    if (i === selected) {
      rows.push(...capRows(step.stepId, stepDetailRows(step, width), maxDetail, (hidden) => `    … ${hidden} more rows: d shows them all`));
      follow = { from, to: rows.length };
    }
  });
  return { rows, follow };
}
