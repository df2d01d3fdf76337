import type { ReactElement } from 'react';
import { Text } from 'ink';
import { actionLabel, formatDuration, formatOutputs } from '../../render/format-units.js';
import { textRows } from '../frame/rows.js';
import { wrapRows } from '../frame/wrap.js';
import type { FinishedEntry } from '../use-finished-log.js';

/**
 * A finished step as the log keeps it: ✓ / ✗ / - , title, action, time and the ids it made, wrapped to the
 * terminal's width so that no id is cut (the tail of a long line once got lost under Ink's <Static>).
 */
export function finishedRows(entry: FinishedEntry, width: number): ReactElement[] {
  const { status, title, key } = entry;
  switch (status.kind) {
    case 'done': {
      const outputs = formatOutputs(status.outputs);
      const text = `✓ ${title}  ${actionLabel(status.action)}  ${formatDuration(status.elapsedMs)}${outputs ? `  ${outputs}` : ''}`;
      return wrapRows(text, width, '', '    ').map((row, i) => (
        <Text key={`${key}:${i}`} wrap="truncate-end">
          {i === 0 ? (
            <>
              <Text color="green">✓</Text>
              {row.slice(1)}
            </>
          ) : (
            <Text color="cyan">{row}</Text>
          )}
        </Text>
      ));
    }
    case 'failed':
      return textRows(key, `✗ ${title}  ${status.error.kind}: ${status.error.message}`, width, { hang: '    ', color: 'red' });
    case 'skipped':
      return textRows(key, `- ${title} skipped: ${status.reason}`, width, { hang: '    ', dimColor: true });
    default:
      return textRows(key, `· ${title}`, width, { dimColor: true });
  }
}
