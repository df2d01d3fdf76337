import { EventEmitter } from 'node:events';

/**
 * The streams Ink renders to in the screen tests: ink-testing-library's, with a terminal size the test
 * chooses (its own stdout is 100 columns and has no rows) and a resize that tells Ink as a terminal does.
 */
export class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  readonly frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }

  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };

  lastFrame = (): string | undefined => this.frames.at(-1);

  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class FakeStderr extends EventEmitter {
  readonly frames: string[] = [];
  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };
}

/** A TTY stdin whose keys the test writes (as ink-testing-library's). */
export class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private data: string | null = null;

  write = (data: string): void => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };

  read = (): string | null => {
    const { data } = this;
    this.data = null;
    return data;
  };

  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}
