import { Box, Text } from 'ink';
import type { PlannedStep } from '../../engine/types.js';
import { formatUsd } from '../../render/format-units.js';
import { ActionBadge } from './ActionBadge.js';

/** One step of a section preview: badge, title, summary, the `aws` CLI lines, notes, cost. */
export function PlannedStepView({ step }: { step: PlannedStep }) {
  const { preview } = step;
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text>
        <ActionBadge action={step.action} /> <Text bold>{step.title}</Text>
        <Text dimColor>{`  ${step.stepId}`}</Text>
        {preview.monthlyCostUsd !== undefined ? (
          <Text color="yellow">{`  ${formatUsd(preview.monthlyCostUsd)}/month`}</Text>
        ) : null}
      </Text>
      <Box flexDirection="column" marginLeft={2}>
        <Text>{preview.summary}</Text>
        {step.action === 'conflict' ? <Text color="red">conflict: {step.reason ?? 'something else is there'}</Text> : null}
        {preview.cli.map((line, i) => (
          <Text key={i} dimColor>
            $ {line}
          </Text>
        ))}
        {(preview.notes ?? []).map((note, i) => (
          <Text key={`n${i}`} color="cyan">
            note: {note}
          </Text>
        ))}
      </Box>
    </Box>
  );
}
