import { useContext, useState, type ReactNode } from 'react';
import { Box, useInput, type Key } from 'ink';
import type { SessionInfo } from '../../app/controller.js';
import type { Identity } from '../../engine/types.js';
import { Footer } from './Footer.js';
import { FrameContext } from './frame-context.js';
import { Header, HEADER_ROWS } from './Header.js';
import { COMMON_KEYS, HelpOverlay } from './HelpOverlay.js';
import { layoutFooter, type Hint } from './hints.js';
import { useTerminalSize } from './use-terminal-size.js';

/** What a screen's body gets: its room, and whether its keys are live (not under a question or the help). */
export interface BodySize {
  width: number;
  height: number;
  active: boolean;
}

export interface FrameProps {
  info: Pick<SessionInfo, 'project' | 'region' | 'sandbox'>;
  identity?: Identity;
  title: string;
  /** Said at the right of the title (counts, cost): dropped when the row is too short. */
  status?: string;
  /** The footer's keys (the `?` help lists them too); `? keys` and `q <quit>` are added. */
  hints: readonly Hint[];
  /** What q does here (false: q is not a key of this screen). */
  quit?: string | false;
  /** Keys listed only in the `?` help (less used, or said elsewhere on the screen). */
  moreKeys?: readonly Hint[];
  /** The screen's keys: called only while the frame has them (no question asked, no help shown). */
  onKey?: (input: string, key: Key) => void;
  /** False where `?` is text to type (a form). */
  helpKey?: boolean;
  children: (body: BodySize) => ReactNode;
}

/**
 * The frame every screen draws in: it fills the terminal (one row short, so the terminal never scrolls),
 * with the header on top (product, project, region, account, SANDBOX badge, the title), the footer at the
 * bottom (the screen's keys), and between them the body, cut to its room. `?` shows the screen's keys.
 */
export function Frame({ info, identity, title, status, hints, quit = 'quit', moreKeys = [], onKey, helpKey = true, children }: FrameProps) {
  const { columns, rows } = useTerminalSize();
  const { prompt } = useContext(FrameContext);
  const [help, setHelp] = useState(false);
  const all: Hint[] = [...hints, ...(helpKey ? ([['?', 'keys']] as const) : []), ...(quit === false ? [] : ([['q', quit]] as const))];
  const footer = layoutFooter(all, columns);

  useInput((input, key) => {
    if (help) return setHelp(false);
    if (prompt) return;
    if (helpKey && input === '?') return setHelp(true);
    onKey?.(input, key);
  });

  const height = Math.max(1, rows - 1 - HEADER_ROWS - footer.rows.length - (prompt ? 1 : 0));
  const active = !help && !prompt;
  const helpList: Hint[] = [...hints, ...moreKeys, ...(quit === false ? [] : ([['q', quit]] as const)), ...COMMON_KEYS];
  return (
    <Box flexDirection="column" width={columns} height={rows - 1}>
      <Header info={info} identity={identity} title={title} status={status} width={columns} />
      <Box flexDirection="column" height={height} overflow="hidden">
        {help ? <HelpOverlay hints={helpList} width={columns} height={height} /> : null}
        {/* Kept mounted under the help, so a list keeps its selection and a view its scroll. */}
        <Box flexDirection="column" height={height} display={help ? 'none' : 'flex'}>
          {children({ width: columns, height, active })}
        </Box>
      </Box>
      {prompt ? <Box height={1}>{prompt}</Box> : null}
      <Footer layout={footer} />
    </Box>
  );
}
