import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import { actionLabel, formatElapsed } from '../../render/format-units.js';
import type { PlanAction } from '../../engine/types.js';

/**
 * A step at work: spinner, title, action, elapsed seconds and its last progress line; when it streams
 * several lines (a remote script's output), the last few stay below it, live (never in the scrollback).
 */
export function RunningStepLine(props: {
  title: string;
  action: PlanAction | 'destroy';
  elapsedMs: number;
  lastMessage?: string;
  recentLines?: readonly string[];
}) {
  const lines = props.recentLines ?? [];
  const streaming = lines.length > 1;
  return (
    <Box flexDirection="column">
      <Text>
        <Text color="cyan">
          <Spinner type="dots" />
        </Text>{' '}
        {props.title}
        <Text dimColor>{`  ${actionLabel(props.action)}  ${formatElapsed(props.elapsedMs)}`}</Text>
        {!streaming && props.lastMessage ? <Text color="gray">{`  ${props.lastMessage}`}</Text> : null}
      </Text>
      {streaming
        ? lines.map((line, index) => (
            <Text key={index} color="gray" wrap="truncate-end">
              {`    │ ${line}`}
            </Text>
          ))
        : null}
    </Box>
  );
}
