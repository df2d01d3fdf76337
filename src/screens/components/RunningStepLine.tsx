import { Text } from 'ink';
import Spinner from 'ink-spinner';
import { actionLabel, formatElapsed } from '../../render/format-units.js';
import type { PlanAction } from '../../engine/types.js';

/** A step at work: spinner, title, action, elapsed seconds and its last progress line. */
export function RunningStepLine(props: {
  title: string;
  action: PlanAction | 'destroy';
  elapsedMs: number;
  lastMessage?: string;
}) {
  return (
    <Text>
      <Text color="cyan">
        <Spinner type="dots" />
      </Text>{' '}
      {props.title}
      <Text dimColor>{`  ${actionLabel(props.action)}  ${formatElapsed(props.elapsedMs)}`}</Text>
      {props.lastMessage ? <Text color="gray">{`  ${props.lastMessage}`}</Text> : null}
    </Text>
  );
}
