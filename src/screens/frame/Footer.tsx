import { Box, Text } from 'ink';
import type { FooterLayout } from './hints.js';

/** The keys of the screen, at the bottom of every frame: `key does`, dimmed, the key in bold. */
export function Footer({ layout }: { layout: FooterLayout }) {
  return (
    <Box flexDirection="column">
      {layout.rows.map((row, r) => (
        <Text key={r} dimColor wrap="truncate-end">
          {row.map(([key, does], i) => (
            <Text key={`${key}-${i}`}>
              {i > 0 ? layout.separator : ''}
              <Text bold>{key}</Text> {does}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}
