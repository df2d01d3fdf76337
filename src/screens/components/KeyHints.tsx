import { Box, Text } from 'ink';

export type Hint = readonly [key: string, does: string];

/** The footer every screen shows: its keys, then "q quit". */
export function KeyHints({ hints, quit = 'quit' }: { hints: readonly Hint[]; quit?: string | false }) {
  const all: Hint[] = quit === false ? [...hints] : [...hints, ['q', quit]];
  return (
    <Box marginTop={1}>
      <Text dimColor>
        {all.map(([key, does], i) => (
          <Text key={key}>
            {i > 0 ? '  ·  ' : ''}
            <Text bold>{key}</Text> {does}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
