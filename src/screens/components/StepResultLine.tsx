import { Text } from 'ink';
import type { StepStatus } from '../../engine/reducer.js';
import { actionLabel, formatDuration, formatOutputs } from '../../render/format-units.js';

/** A finished step, as it stays in the scrollback: ✓ / ✗ / - with elapsed time and ids. */
export function StepResultLine({ title, status }: { title: string; status: StepStatus }) {
  switch (status.kind) {
    case 'done': {
      const outputs = formatOutputs(status.outputs);
      return (
        <Text>
          <Text color="green">✓</Text> {title}
          <Text dimColor>{`  ${actionLabel(status.action)}  ${formatDuration(status.elapsedMs)}`}</Text>
          {outputs ? <Text color="cyan">{`  ${outputs}`}</Text> : null}
        </Text>
      );
    }
    case 'failed':
      return (
        <Text>
          <Text color="red">✗</Text> {title}
          <Text color="red">{`  ${status.error.kind}: ${status.error.message}`}</Text>
        </Text>
      );
    case 'skipped':
      return (
        <Text dimColor>
          - {title} skipped: {status.reason}
        </Text>
      );
    default:
      return <Text dimColor>· {title}</Text>;
  }
}
