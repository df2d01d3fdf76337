import type { ReactElement, ReactNode } from 'react';
import { Box, Text } from 'ink';
import { wrapRows } from './wrap.js';

export interface RowStyle {
  indent?: string;
  /** The indent of the rows after the first (default: `indent`). */
  hang?: string;
  color?: string;
  dimColor?: boolean;
  bold?: boolean;
}

/** `text` as terminal rows (wrapped at words, nothing cut), each a one-row element keyed `key:i`. */
export function textRows(key: string, text: string, width: number, style: RowStyle = {}): ReactElement[] {
  const { indent = '', hang = indent, color, dimColor, bold } = style;
  return wrapRows(text, width, indent, hang).map((row, i) => (
    <Text key={`${key}:${i}`} wrap="truncate-end" {...(color ? { color } : {})} {...(dimColor ? { dimColor } : {})} {...(bold ? { bold } : {})}>
      {row}
    </Text>
  ));
}

/** One row: `children` cut with … at the right edge. */
export function row(key: string, children: ReactNode): ReactElement {
  return (
    <Text key={key} wrap="truncate-end">
      {children}
    </Text>
  );
}

/** One row with `left` cut with … and `right` kept whole at the right edge (a title and its cost). */
export function splitRow(key: string, left: ReactNode, right: ReactNode, width: number): ReactElement {
  return (
    <Box key={key} width={width} height={1}>
      <Box flexGrow={1} flexShrink={1}>
        <Text wrap="truncate-end">{left}</Text>
      </Box>
      {right ? (
        <Box flexShrink={0} marginLeft={1}>
          <Text>{right}</Text>
        </Box>
      ) : null}
    </Box>
  );
}

/** An empty row. */
export function blankRow(key: string): ReactElement {
  return <Text key={key}> </Text>;
}

/** At most `max` rows; when some are left out, the last row says how many and how to see them. */
export function capRows(key: string, rows: ReactElement[], max: number, more: (hidden: number) => string): ReactElement[] {
  if (rows.length <= max) return rows;
  const kept = rows.slice(0, Math.max(0, max - 1));
  const hidden = rows.length - kept.length;
  return [
    ...kept,
    <Text key={`${key}:more`} dimColor wrap="truncate-end">
      {more(hidden)}
    </Text>,
  ];
}
