import { useState } from 'react';
import type { Key } from 'ink';

export interface Cursor {
  index: number;
  set(index: number): void;
  /** ↑/↓ by one, PgUp/PgDn by `page`, Home/End: true when the key moved (or would move) the cursor. */
  handle(key: Key, page: number): boolean;
}

/** A selection in a list of `count` items that the view follows (ScrollView `follow`). */
export function useCursor(count: number, initial = 0): Cursor {
  const [raw, setRaw] = useState(initial);
  const last = Math.max(0, count - 1);
  const index = Math.min(Math.max(0, raw), last);
  const set = (to: number) => setRaw(Math.min(Math.max(0, to), last));
  const handle = (key: Key, page: number): boolean => {
    if (key.upArrow) set(index - 1);
    else if (key.downArrow) set(index + 1);
    else if (key.pageUp) set(index - Math.max(1, page));
    else if (key.pageDown) set(index + Math.max(1, page));
    else if (key.home) set(0);
    else if (key.end) set(last);
    else return false;
    return true;
  };
  return { index, set, handle };
}
