import { useEffect, useLayoutEffect, useState } from 'react';
import { useStdout } from 'ink';
import { onResizeFirst, resizeDrawn } from './resize-first.js';

export interface TerminalSize {
  columns: number;
  rows: number;
}

/** What a terminal that does not say is taken to be (the smallest the screens are made for). */
export const DEFAULT_SIZE: TerminalSize = { columns: 80, rows: 24 };

/** The terminal's size, followed on resize (the screens lay themselves out to fit it). */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const read = (): TerminalSize => ({ columns: stdout.columns || DEFAULT_SIZE.columns, rows: stdout.rows || DEFAULT_SIZE.rows });
  const [size, setSize] = useState(read);
  // Before Ink draws: no frame laid out for the old size is drawn on the new one.
  useEffect(() => onResizeFirst(stdout, () => setSize(read())), [stdout]);
  useLayoutEffect(() => resizeDrawn(stdout), [stdout, size]);
  // A resize between the listener's events (or before it subscribed) is still seen on the next render.
  const now = read();
  return now.columns === size.columns && now.rows === size.rows ? size : now;
}
