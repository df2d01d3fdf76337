import stringWidth from 'string-width';
import type { TerminalSize } from './render-screen.js';

/** The two terminals the screens are tried in: the smallest they are made for, and a roomy one. */
export const SIZES: TerminalSize[] = [
  { columns: 80, rows: 24 },
  { columns: 120, rows: 40 },
];

export interface FitRules {
  /** What the footer (the frame's last row, or the one above it) says: the screen's keys. */
  footer: RegExp;
  /** A row that must be in every frame (the selected item: its cursor). */
  selected?: RegExp;
}

/**
 * What is wrong with a frame in a terminal of `size`: more rows than the terminal, a row wider than it,
 * the header (product · project · region, then the title rule) or the footer missing, the selection not shown.
 */
export function frameProblems(frame: string, size: TerminalSize, rules: FitRules): string[] {
  const rows = frame.split('\n');
  const problems: string[] = [];
  if (rows.length > size.rows) problems.push(`${rows.length} rows in a terminal of ${size.rows}`);
  rows.forEach((row, i) => {
    if (stringWidth(row) > size.columns) problems.push(`row ${i} is ${stringWidth(row)} columns wide: ${row}`);
  });
  if (!/^aws-runbook · /.test(rows[0] ?? '')) problems.push(`no header on top: ${rows[0] ?? ''}`);
  if (!/^─ /.test(rows[1] ?? '')) problems.push(`no title rule under the header: ${rows[1] ?? ''}`);
  const bottom = rows.slice(-2).join('\n');
  if (!rules.footer.test(bottom)) problems.push(`no footer (${rules.footer}) at the bottom: ${bottom}`);
  if (rules.selected && !rows.some((row) => rules.selected!.test(row))) problems.push(`the selected item (${rules.selected}) is not shown`);
  return problems;
}

/**
 * The problems of every frame, each prefixed with its number (an empty list: every frame fits). A write
 * with no text is not a frame: Ink erases the screen so when the terminal gets narrower.
 */
export function framesProblems(frames: readonly string[], size: TerminalSize, rules: FitRules): string[] {
  return frames.map((frame, i) => [frame, i] as const).filter(([frame]) => frame.trim() !== '').flatMap(([frame, i]) => frameProblems(frame, size, rules).map((problem) => `frame ${i}: ${problem}\n${frame}`)).slice(0, 3);
}

