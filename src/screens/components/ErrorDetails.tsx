import { Box, Text } from 'ink';
import type { ClassifiedError } from '../../aws/error-kinds.js';

/** A classified error: kind and code, the message, and what to do about it. */
export function ErrorDetails({ error }: { error: ClassifiedError }) {
  return (
    <Box flexDirection="column">
      <Text>
        <Text dimColor>kind </Text>
        <Text color="red" bold>
          {error.kind}
        </Text>
        {error.code ? <Text dimColor>{`  code ${error.code}`}</Text> : null}
        {error.retryable ? <Text dimColor> (may succeed on retry)</Text> : null}
      </Text>
      <Text>
        <Text dimColor>why </Text>
        {error.message}
      </Text>
      <Text>
        <Text dimColor>hint </Text>
        <Text color="yellow">{error.hint}</Text>
      </Text>
    </Box>
  );
}
