import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REFUSED_MARKER } from '../setup/socket-guard.mjs';
import { CLI, cliEnv } from '../helpers/cli.js';

/**
 * The assistant in a real terminal: tmux (a private server, one window per case) runs the built tool, the
 * test reads the screen with capture-pane and types with send-keys. A new user's rehearsal with Enter only
 * reaches the Checklist at 80x24 and at 120x40 and nothing ever scrolls off the screen: tmux's scrollback
 * (history_size) stays empty the whole walk. (Times are not asserted: bench/rehearsal-walk.ts times the walk.)
 */

const SERVER = `awsrb-test-${process.pid}`;
const ENV = { ...cliEnv(), TERM: 'xterm-256color' };

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SERVER, ...args], { encoding: 'utf8', env: ENV });
}

afterAll(() => {
  try {
    tmux('kill-server'); // this test's own server (-L) only
  } catch {
    // no server left
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Window {
  name: string;
  screen(): string;
  /** Rows that scrolled off the top into tmux's scrollback. */
  history(): number;
  keys(...keys: string[]): void;
  waitFor(test: (screen: string) => boolean, timeoutMs: number): Promise<string>;
}

/** A tmux window of `columns` x `rows` running the tool with `args` in `cwd`; it stays after the tool exits, with its exit code. */
function open(name: string, args: string[], cwd: string, columns: number, rows: number): Window {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does).`);
  const command = `${[process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ')}; echo "[exit $?]"; sleep 600`;
  tmux('new-session', '-d', '-s', name, '-x', String(columns), '-y', String(rows), '-c', cwd, command);
  const window: Window = {
    name,
    screen: () => tmux('capture-pane', '-p', '-t', name),
    history: () => Number(tmux('display-message', '-p', '-t', name, '#{history_size}').trim()),
    keys: (...keys) => void tmux('send-keys', '-t', name, ...keys),
    async waitFor(test, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const screen = window.screen();
        if (screen.includes(REFUSED_MARKER)) throw new Error(`the tool tried to connect outside loopback:\n${screen}`);
        if (test(screen)) return screen;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms; the screen:\n${screen}`);
        await sleep(150);
      }
    },
  };
  return window;
}

const titleOf = (screen: string) => /^─ (.+?) ─/m.exec(screen)?.[1] ?? '';

// The two walks run side by side (each in its own tmux window, with its own rehearsal): most of a walk is
// waiting for the rehearsal's modelled AWS delays, not CPU. Concurrent tests take `expect` from their context.
describe.concurrent.each([
  { columns: 80, rows: 24 },
  { columns: 120, rows: 40 },
])('the rehearsal in a real terminal of $columns x $rows', ({ columns, rows }) => {
  it('Enter alone reaches the Checklist, and nothing ever scrolls off the screen', async ({ expect }) => {
    const cwd = await mkdtemp(join(tmpdir(), 'awsrb-terminal-'));
    const window = open(`walk-${columns}`, ['--sandbox'], cwd, columns, rows);
    const seen = new Set<string>();
    let screen = await window.waitFor((s) => s.includes('Enter overview'), 60_000);
    let presses = 0;
    for (;;) {
      expect(presses, 'Enter presses').toBeLessThan(30);
      expect(window.history(), `scrolled off at:\n${screen}`).toBe(0);
      const title = titleOf(screen);
      seen.add(title.replace(/:.*/, ''));
      if (title === 'Failure') throw new Error(`the walk stopped on a failure:\n${screen}`);
      if (title === 'Checklist' && /every required check holds|required checks failed/.test(screen)) break;
      const ready = title.startsWith('Welcome') || title === 'Summary' || (title === 'Overview' && screen.includes('next: ')) || (title.startsWith('Preview') && screen.includes('y/Enter'));
      if (ready) {
        presses += 1;
        window.keys('Enter');
        // The next screen (the run of a section ends on the Overview): never a second Enter on the same one.
        screen = await window.waitFor((s) => titleOf(s) !== title, 120_000);
      } else {
        await sleep(150);
        screen = window.screen();
      }
    }
    expect(screen).toContain('every required check holds');
    expect([...seen]).toEqual(expect.arrayContaining(['Welcome — the AWS runbook, one previewed section at a time', 'Overview', 'Preview', 'Summary', 'Checklist']));
    expect(screen.trimEnd().split('\n').length).toBeLessThanOrEqual(rows);
    expect(window.history()).toBe(0);
    // q goes back to the Overview; q there leaves, and one line says the rehearsal is gone and what to run for real.
    window.keys('q');
    await window.waitFor((s) => titleOf(s) === 'Overview', 10_000);
    window.keys('q');
    const end = await window.waitFor((s) => s.includes('[exit '), 30_000);
    expect(end).toContain('Rehearsal discarded. For real, run: aws-runbook init, then plan, then up.');
    expect(end).toContain('[exit 0]');
  }, 300_000);
});

describe('the setup form in a real terminal', () => {
  it('`init`: Esc leaves with 130 and says that nothing was written', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'awsrb-terminal-init-'));
    const window = open('init', ['init'], cwd, 80, 24);
    await window.waitFor((s) => s.includes('Project suffix'), 30_000);
    await sleep(500);
    window.keys('Escape');
    const end = await window.waitFor((s) => s.includes('[exit '), 15_000);
    expect(end).toContain('[exit 130]');
    expect(end).toContain("Cancelled: nothing was written.");
    expect(existsSync(join(cwd, 'aws-runbook.yaml'))).toBe(false);
  }, 60_000);

  it('`aws-runbook` with no config file asks the setup first, then opens the assistant on what it wrote', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'awsrb-terminal-first-'));
    const window = open('first', [], cwd, 80, 24);
    await window.waitFor((s) => s.includes('No aws-runbook.yaml here yet'), 30_000);
    await sleep(500); // the form reads its keys once it is drawn (the terminal in raw mode)
    window.keys('C', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'T', 'r', 'y'); // BFHK → Try, keys in a burst
    await window.waitFor((s) => /Project suffix Try$/m.test(s), 10_000);
    for (let i = 0; i < 5; i++) window.keys('Enter');
    const welcome = await window.waitFor((s) => titleOf(s).startsWith('Welcome'), 30_000);
    expect(welcome).toMatch(/^aws-runbook · try · us-east-2/m);
    expect(welcome).toContain(`config    ${join(cwd, 'aws-runbook.yaml')}`);
    expect(window.history()).toBe(0);
    window.keys('C-c');
    await window.waitFor((s) => s.includes('[exit '), 15_000);
    expect(existsSync(join(cwd, 'aws-runbook.yaml'))).toBe(true);
  }, 60_000);
});
