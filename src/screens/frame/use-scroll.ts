import { useRef, useState } from 'react';

export interface ScrollInput {
  /** Rows of content. */
  total: number;
  /** Rows shown at once. */
  viewport: number;
  /** Rows that must be in view (the selected item and what is shown with it): the view follows them. */
  follow?: { from: number; to: number };
  /** Start at the end and stay there as rows are added (a log), until the operator scrolls up. */
  stickToEnd?: boolean;
  /** Rows brought into view once, each time `key` changes (what a key just showed); scrolling stays free. */
  reveal?: { from: number; to: number; key: string };
}

export interface Scroll {
  offset: number;
  scrollBy(rows: number): void;
  scrollTo(row: number): void;
}

const clamp = (value: number, low: number, high: number) => Math.min(Math.max(value, low), Math.max(low, high));

/**
 * The first row shown of a view taller than its room. It moves as little as it must to keep `follow` in
 * view, sticks to the end of a growing log unless scrolled away, and stays within the content.
 */
export function useScroll({ total, viewport, follow, stickToEnd = false, reveal }: ScrollInput): Scroll {
  const offset = useRef(stickToEnd ? Number.MAX_SAFE_INTEGER : 0);
  const revealed = useRef(reveal?.key);
  const atEnd = useRef(stickToEnd);
  const [, redraw] = useState(0);
  const last = Math.max(0, total - viewport);

  let next = offset.current;
  if (stickToEnd && atEnd.current) next = last;
  const keep = (rows: { from: number; to: number }) => {
    if (rows.to - rows.from >= viewport || rows.from < next) next = rows.from;
    else if (rows.to > next + viewport) next = rows.to - viewport;
  };
  if (follow) keep(follow);
  if (reveal && reveal.key !== revealed.current) {
    revealed.current = reveal.key;
    keep(reveal);
  }
  next = clamp(next, 0, last);
  offset.current = next;

  const scrollTo = (row: number) => {
    offset.current = clamp(row, 0, last);
    atEnd.current = offset.current >= last;
    redraw((n) => n + 1);
  };
  return { offset: next, scrollTo, scrollBy: (rows) => scrollTo(offset.current + rows) };
}
