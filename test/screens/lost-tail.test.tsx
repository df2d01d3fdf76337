import { afterEach, describe, expect, it, vi } from 'vitest';
import stringWidth from 'string-width';
import { App } from '../../src/screens/App.js';
import { FakeController } from './fake-controller.js';
import { cleanup, renderScreen, type ScreenHandle } from './helpers/render-screen.js';
import { NETWORK_PLAN, PEERING_PLAN, SECTIONS } from './fixtures.js';

afterEach(() => cleanup());

/** As long as the security groups' ✓ line whose tail got lost (issue 15): ids that wrap twice at 80 columns. */
const RULE_IDS = Array.from({ length: 9 }, (_, i) => `sgr-${i}7deca44a5500ad6a`).join(',');
const outputs = { 'network.mvp.vpc': { groupId: 'sg-0a1b2c3d4e5f60718', ruleIds: RULE_IDS } };

/** The ✓ line of MVP VPC as the frame shows it: its first row and the indented rows that continue it, joined. */
function loggedLine(frame: string): string | undefined {
  const rows = frame.split('\n');
  const at = rows.findIndex((row) => row.startsWith('✓ MVP VPC'));
  if (at < 0) return undefined;
  const tail = [];
  for (const row of rows.slice(at + 1)) {
    if (!/^ {4}\S/.test(row)) break;
    tail.push(row.trim());
  }
  return [rows[at], ...tail].join(' ');
}

async function scrollTo(screen: ScreenHandle, text: string) {
  for (let i = 0; i < 10 && !screen.frame().includes(text); i++) await screen.press('pageUp');
}

describe('a long ✓ line keeps its wrapped tail when the next section starts', () => {
  it.each([
    { name: 'the next section in its own run (the assistant)', start: undefined },
    { name: 'the next section in the same run (`up` of network and peering)', start: { screen: 'preview' as const, sections: ['network' as const, 'peering' as const], stepMode: false } },
  ])('$name, at 80x24: every row fits the width, and the whole line is still there', async ({ start }) => {
    const controller = new FakeController({ sections: SECTIONS, plans: { network: NETWORK_PLAN, peering: PEERING_PLAN }, outputs, stepMs: 30 }).hangStep('peering.cyber-mvp');
    const screen = await renderScreen(<App controller={controller} onExit={vi.fn()} {...(start ? { start } : {})} />, { columns: 80, rows: 24 });
    if (!start) {
      await screen.waitForFrame('Enter overview');
      await screen.press('enter');
      await screen.press('enter');
    }
    await screen.waitForFrame('[create] MVP VPC');
    await screen.press('y');
    if (start) {
      await screen.waitForFrame('Cyber to MVP peering');
      await screen.press('y');
    } else {
      await screen.waitForFrame('next: Peering');
      await screen.press('enter');
      await screen.waitForFrame('Cyber to MVP peering');
      await screen.press('y');
    }
    // The peering section is at work: the network's line is above, in the log of the session.
    await screen.waitForFrame('working on Cyber to MVP peering');
    await scrollTo(screen, '✓ MVP VPC');
    const line = loggedLine(screen.frame());
    expect(line).toBeDefined();
    // (A word longer than a row is split where the row ends: compared without the breaks.)
    expect(line?.replace(/\s+/g, '')).toContain(`groupId=sg-0a1b2c3d4e5f60718ruleIds=${RULE_IDS}`);
    // No row is wider than the terminal, so the terminal never wraps one behind Ink's back (which is how
    // the rows Ink erased and the rows on screen came apart, and a tail was lost).
    const wide = screen.frames().flatMap((frame) => frame.split('\n').filter((row) => stringWidth(row) > 80));
    expect(wide).toEqual([]);
    // Every frame that shows the line's first row and room below it shows its tail too.
    for (const frame of screen.frames()) {
      const shown = loggedLine(frame);
      const rows = frame.split('\n');
      const at = rows.findIndex((row) => row.startsWith('✓ MVP VPC'));
      if (shown === undefined || at > rows.length - 8) continue;
      expect(shown.replace(/\s+/g, '')).toContain(RULE_IDS);
    }
  });
});
