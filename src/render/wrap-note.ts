import wrapAnsi from 'wrap-ansi';

/**
 * A note for a terminal of `columns` (undefined: not a terminal, left whole): cut at words, never
 * mid-word unless a word is longer than a row; the rows after the first indented by two spaces.
 */
export function wrapNote(line: string, columns: number | undefined): string {
  if (!columns) return line;
  return wrapAnsi(line, Math.max(20, columns - 2), { hard: true, trim: true })
    .split('\n')
    .map((row, i) => (i === 0 ? row : `  ${row}`))
    .join('\n');
}
