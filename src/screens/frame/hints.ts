/** A key and what it does, as the footer and the `?` help list them. */
export type Hint = readonly [key: string, does: string];

const SEPARATORS = ['  ·  ', ' · '] as const;
const MORE: Hint = ['?', 'more keys'];

const widthOf = (hints: readonly Hint[], separator: string) =>
  hints.reduce((sum, [key, does], i) => sum + (i > 0 ? separator.length : 0) + key.length + 1 + does.length, 0);

/** Hints split into rows of at most `width` columns, greedily. */
function split(hints: readonly Hint[], width: number, separator: string): Hint[][] {
  const rows: Hint[][] = [];
  let row: Hint[] = [];
  for (const hint of hints) {
    if (row.length > 0 && widthOf([...row, hint], separator) > width) {
      rows.push(row);
      row = [];
    }
    row.push(hint);
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

export interface FooterLayout {
  rows: Hint[][];
  separator: string;
}

/**
 * The footer's rows: one when the keys fit (wide separators first), else at most `maxRows`; keys that do
 * not fit are left to the `?` help, and the last row then ends with "? more keys".
 */
export function layoutFooter(hints: readonly Hint[], width: number, maxRows = 2): FooterLayout {
  for (const separator of SEPARATORS) {
    const rows = split(hints, width, separator);
    if (rows.length === 1) return { rows, separator };
  }
  const separator = SEPARATORS[1];
  const rows = split(hints, width, separator);
  if (rows.length <= maxRows) return { rows, separator };
  let kept = hints.filter((hint) => hint[0] !== '?');
  while (kept.length > 0 && split([...kept, MORE], width, separator).length > maxRows) kept = kept.slice(0, -1);
  return { rows: split([...kept, MORE], width, separator), separator };
}
