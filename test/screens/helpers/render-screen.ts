import type { ReactElement } from 'react';
import { render, type Instance } from 'ink';
import { stripAnsi } from '../../../src/render/ansi.js';
import { FakeStderr, FakeStdin, FakeStdout } from './fake-terminal.js';

const KEYS: Record<string, string> = {
  enter: '\r',
  escape: '\u001B',
  up: '\u001B[A',
  down: '\u001B[B',
  left: '\u001B[D',
  right: '\u001B[C',
  tab: '\t',
  backspace: '\u007F',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  home: '\u001B[H',
  end: '\u001B[F',
  'ctrl-c': '\u0003',
};

export type FrameExpectation = string | RegExp | ((frame: string) => boolean);

export interface ScreenHandle {
  /** The last frame, without ANSI codes. */
  frame(): string;
  /** Sends a key ('enter', 'escape', 'up', 'down', 'pageUp', 'pageDown', 'home', 'end', 'tab', 'backspace', 'ctrl-c' or a character) and waits until Ink has processed it. */
  press(key: string): Promise<void>;
  /** Types text as one chunk (as a paste would arrive). */
  type(text: string): Promise<void>;
  /** Polls the last frame until it matches; fails with the last frame in the message. */
  waitForFrame(expect: FrameExpectation, timeoutMs?: number): Promise<string>;
  /** How many frames Ink has written so far. */
  frameCount(): number;
  /** Every frame Ink has written so far, without ANSI codes (what a scrollback could hold). */
  frames(): string[];
  /** The terminal's size, as the screen was told it. */
  size(): TerminalSize;
  /** The terminal is resized: Ink and the screens are told, as by SIGWINCH. */
  resize(columns: number, rows: number): Promise<void>;
  unmount(): void;
}

export interface TerminalSize {
  columns: number;
  rows: number;
}

/** The size the screen tests render at unless they say (the smallest terminal the screens are made for is 80x24). */
export const DEFAULT_TEST_SIZE: TerminalSize = { columns: 100, rows: 40 };

const mounted: Instance[] = [];

/** Unmounts every screen rendered so far (afterEach). */
export function cleanup(): void {
  for (const instance of mounted.splice(0)) {
    instance.unmount();
    instance.cleanup();
  }
}

const tick = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Lets React finish what a key or an event started: the render (a microtask), then the passive
 * effects where Ink's useInput handlers (re)subscribe (scheduled with setImmediate), with margin.
 */
async function settle(): Promise<void> {
  await turn();
  await turn();
  await tick(15);
}

function matches(frame: string, expect: FrameExpectation): boolean {
  if (typeof expect === 'string') return frame.includes(expect);
  if (expect instanceof RegExp) return expect.test(frame);
  return expect(frame);
}

/**
 * Ink's render on a terminal of the given size (ink-testing-library's streams, which have a fixed width
 * and no height, with a size: see fake-terminal.ts), plus keys and waiting. Resolves once the first frame
 * is out and the effects (where Ink's input hooks subscribe) have run, so the first key is not lost.
 */
export async function renderScreen(tree: ReactElement, size: TerminalSize = DEFAULT_TEST_SIZE): Promise<ScreenHandle> {
  const stdout = new FakeStdout(size.columns, size.rows);
  const stdin = new FakeStdin();
  const rendered = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new FakeStderr() as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    // Every frame written whole (no cursor moves): what the frames hold is what the terminal shows.
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  mounted.push(rendered);
  const instance = { stdin, frames: stdout.frames, lastFrame: stdout.lastFrame, unmount: rendered.unmount };
  const frame = () => stripAnsi(instance.lastFrame() ?? '');

  const waitForFrame = async (expect: FrameExpectation, timeoutMs = 3000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = frame();
      if (matches(current, expect)) {
        // A new screen's input hooks subscribe in effects that run just after its first frame.
        await settle();
        return frame();
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs}ms waiting for ${String(expect)}; last frame:\n${current}`);
      }
      await tick(10);
    }
  };

  const write = async (data: string) => {
    instance.stdin.write(data);
    // A lone escape is only known not to start a sequence on the next turn; then React renders.
    await settle();
  };

  await waitForFrame((f) => f.length > 0);
  return {
    frame,
    press: (key) => write(KEYS[key] ?? key),
    type: (text) => write(text),
    waitForFrame,
    frameCount: () => instance.frames.length,
    frames: () => instance.frames.map((f) => stripAnsi(f)),
    size: () => ({ columns: stdout.columns, rows: stdout.rows }),
    resize: async (columns, rows) => {
      stdout.resize(columns, rows);
      await settle();
    },
    unmount: () => instance.unmount(),
  };
}
