import { Box, Text } from 'ink';
import type { Hint } from './hints.js';
import { wrapRows } from './wrap.js';

/** Keys every frame takes, said at the end of each screen's `?` help. */
export const COMMON_KEYS: readonly Hint[] = [
  ['PgUp/PgDn', 'scroll a page (Home/End: top, bottom)'],
  ['?', 'these keys (any key closes them)'],
];

/** `?`: the keys of the current screen, one per row, in place of its body. */
export function HelpOverlay({ hints, width, height }: { hints: readonly Hint[]; width: number; height: number }) {
  const keyWidth = Math.min(14, Math.max(...hints.map(([key]) => key.length)) + 2);
  const rows = hints.flatMap(([key, does]) =>
    wrapRows(does, width, `  ${key.padEnd(keyWidth)}`, ' '.repeat(keyWidth + 2)).map((row, i) => ({ key: `${key}-${i}`, text: row, first: i === 0, name: key })),
  );
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold>Keys of this screen</Text>
      {rows.slice(0, Math.max(0, height - 1)).map((row) => (
        <Text key={row.key} wrap="truncate-end">
          {row.first ? (
            <>
              <Text bold color="cyan">{`  ${row.name.padEnd(keyWidth)}`}</Text>
              {row.text.slice(keyWidth + 2)}
            </>
          ) : (
            row.text
          )}
        </Text>
      ))}
    </Box>
  );
}
