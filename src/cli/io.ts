/** Where a command writes, and whether it may ask questions (never without a TTY). */
export interface CommandIO {
  out: (line: string) => void;
  err: (line: string) => void;
  interactive: boolean;
  color: boolean;
  /** The terminal's width when stdout is one (undefined for a pipe or a file). */
  columns?: number;
  /** The columns of the terminal stderr writes to (undefined: not a terminal), to wrap notes at words. */
  errColumns?: number;
}

export function processIO(options: { color?: boolean }): CommandIO {
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    interactive,
    color: options.color !== false && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    ...(process.stdout.isTTY && process.stdout.columns ? { columns: process.stdout.columns } : {}),
    ...(process.stderr.isTTY && process.stderr.columns ? { errColumns: process.stderr.columns } : {}),
  };
}
