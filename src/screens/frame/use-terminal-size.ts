import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

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
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  // A resize between the listener's events (or before it subscribed) is still seen on the next render.
  const now = read();
  return now.columns === size.columns && now.rows === size.rows ? size : now;
}
