import type { ReactElement } from 'react';
import { Text } from 'ink';
import Spinner from 'ink-spinner';
import type { RunView } from '../../engine/reducer.js';
import type { PlannedStep } from '../../engine/types.js';
import { actionLabel, formatElapsed } from '../../render/format-units.js';

/**
 * The steps at work: spinner, title, action, elapsed and the last progress line; a step streaming several
 * lines (a remote script) shows its last few under it. At most `max` rows: the rest are counted.
 */
export function runningRows(view: RunView, plan: readonly PlannedStep[], now: number, max: number): ReactElement[] {
  const titles = new Map(plan.map((step) => [step.stepId, step.title]));
  const rows: ReactElement[] = [];
  const running = view.order.filter((id) => view.steps[id]?.kind === 'running');
  for (const [index, id] of running.entries()) {
    const status = view.steps[id];
    if (status?.kind !== 'running') continue;
    const lines = status.recentLines ?? [];
    const streaming = lines.length > 1;
    const block = [
      <Text key={id} wrap="truncate-end">
        <Text color="cyan">
          <Spinner type="dots" />
        </Text>{' '}
        {titles.get(id) ?? status.plan?.title ?? id}
        <Text dimColor>{`  ${actionLabel(status.action)}  ${formatElapsed(now - status.since)}`}</Text>
        {!streaming && status.lastMessage ? <Text color="gray">{`  ${status.lastMessage}`}</Text> : null}
      </Text>,
      ...(streaming
        ? lines.map((line, i) => (
            <Text key={`${id}:${i}`} color="gray" wrap="truncate-end">
              {`    │ ${line}`}
            </Text>
          ))
        : []),
    ];
    const left = running.length - index;
    if (rows.length + block.length > max - (left > 1 ? 1 : 0)) {
      rows.push(
        <Text key="more-running" dimColor>
          {`  … and ${left} more running`}
        </Text>,
      );
      break;
    }
    rows.push(...block);
  }
  return rows;
}
