import type { RunbookController } from '../app/controller.js';
import type { WelcomeInfo } from './Welcome.js';

/**
 * The assistant's session while it opens: the first screen (the Welcome, Boot.tsx) is drawn from what is
 * known before the AWS SDK, moto or any task is loaded; `open` loads them and opens the session while the
 * operator reads it.
 */
export interface SessionOpening {
  info: WelcomeInfo;
  /** What opening the session does, said next to a spinner (e.g. starting the emulator). */
  doing: string;
  /** What the tool says while it opens (the rehearsal's stand-ins), as it says it. */
  notices: NoticeFeed;
  /** Called once, right after the first frame is drawn. */
  open: () => Promise<RunbookController>;
}

/** What the assistant's exit code is when the session could not be opened (never a process's: the caller reports the error). */
export const OPEN_FAILED = -1;

/** Lines said one by one, read whole by whoever shows them. */
export class NoticeFeed {
  private readonly said: string[] = [];
  private readonly listeners = new Set<() => void>();

  push(line: string): void {
    this.said.push(line);
    for (const listener of this.listeners) listener();
  }

  lines(): readonly string[] {
    return [...this.said];
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
