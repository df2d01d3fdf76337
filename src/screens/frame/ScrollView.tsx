import type { ReactElement } from 'react';
import { Box, Text, useInput } from 'ink';
import { useScroll } from './use-scroll.js';

export interface ScrollViewProps {
  /** The content, one element per terminal row (a <Text wrap="truncate-end"> or a row of wrapRows). */
  rows: readonly ReactElement[];
  height: number;
  /** Whether its keys are live (not under a question or the help). */
  active: boolean;
  /** Rows to keep in view (the selected item): the screen moves its cursor, the view follows. Its own keys are off. */
  follow?: { from: number; to: number };
  /** A log: shown from its end, kept there as it grows until the operator scrolls up. */
  stickToEnd?: boolean;
  /** False when ↑/↓ belong to something else on the screen (a menu): PgUp/PgDn still scroll. */
  arrows?: boolean;
  /** Rows brought into view once each time their key changes (what a key just showed). */
  reveal?: { from: number; to: number; key: string };
}

/**
 * A body taller than its room, shown a window at a time: ↑/↓ by a row, PgUp/PgDn by a page, Home/End
 * (unless it follows a cursor, whose keys are the screen's). When it overflows, its last row says which
 * rows are shown and how to see the others.
 */
export function ScrollView({ rows, height, active, follow, stickToEnd, arrows = true, reveal }: ScrollViewProps) {
  const overflows = rows.length > height;
  const viewport = overflows ? Math.max(1, height - 1) : height;
  const scroll = useScroll({ total: rows.length, viewport, ...(follow ? { follow } : {}), ...(stickToEnd ? { stickToEnd } : {}), ...(reveal ? { reveal } : {}) });
  useInput(
    (_input, key) => {
      if (arrows && key.upArrow) scroll.scrollBy(-1);
      else if (arrows && key.downArrow) scroll.scrollBy(1);
      else if (key.pageUp) scroll.scrollBy(-(viewport - 1));
      else if (key.pageDown) scroll.scrollBy(viewport - 1);
      else if (key.home) scroll.scrollTo(0);
      else if (key.end) scroll.scrollTo(rows.length);
    },
    { isActive: active && overflows && !follow },
  );
  const shown = overflows ? rows.slice(scroll.offset, scroll.offset + viewport) : rows;
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {shown}
      {overflows ? <Text dimColor wrap="truncate-end">{position(scroll.offset, viewport, rows.length, follow ? '' : arrows ? '(↑/↓ PgUp/PgDn)' : '(PgUp/PgDn)')}</Text> : null}
    </Box>
  );
}

function position(offset: number, viewport: number, total: number, keys: string): string {
  const above = offset;
  const below = Math.max(0, total - offset - viewport);
  const where = [above > 0 ? `↑ ${above} above` : '', below > 0 ? `↓ ${below} below` : ''].filter(Boolean).join(' · ');
  return `  ${where}${keys ? `  ${keys}` : ''}`;
}
