import wrapAnsi from 'wrap-ansi';

/**
 * Text cut into terminal rows of at most `width` columns, at word boundaries (a word longer than a row is
 * split), the first row prefixed by `indent` and the others by `hang`. Ink wraps text the same way
 * (wrap-ansi), but the scrolling views need the rows themselves: how many there are, and which are shown.
 */
export function wrapRows(text: string, width: number, indent = '', hang = indent): string[] {
  const room = Math.max(8, width - Math.max(indent.length, hang.length));
  const rows = wrapAnsi(text, room, { hard: true, trim: true }).split('\n');
  return rows.map((row, i) => `${i === 0 ? indent : hang}${row}`);
}

/** One row: `text` cut to `width` columns with … when it is longer. */
export function cutRow(text: string, width: number): string {
  if (text.length <= width) return text;
  return `${text.slice(0, Math.max(0, width - 1))}…`;
}
