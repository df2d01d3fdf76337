import type { ReactElement } from 'react';
import { render } from 'ink-testing-library';
import { stripAnsi } from '../../../src/render/ansi.js';

const KEYS: Record<string, string> = {
  enter: '\r',
  escape: '\u001B',
  up: '\u001B[A',
  down: '\u001B[B',
  left: '\u001B[D',
  right: '\u001B[C',
  tab: '\t',
  backspace: '\u007F',
  'ctrl-c': '\u0003',
};

export type FrameExpectation = string | RegExp | ((frame: string) => boolean);

export interface ScreenHandle {
  /** The last frame, without ANSI codes. */
  frame(): string;
  /** Sends a key ('enter', 'escape', 'up', 'down', 'tab', 'backspace', 'ctrl-c' or a character) and waits until Ink has processed it. */
  press(key: string): Promise<void>;
  /** Types text as one chunk (as a paste would arrive). */
  type(text: string): Promise<void>;
  /** Polls the last frame until it matches; fails with the last frame in the message. */
  waitForFrame(expect: FrameExpectation, timeoutMs?: number): Promise<string>;
  /** How many frames Ink has written so far. */
  frameCount(): number;
  /** Every frame Ink has written so far, without ANSI codes (what a scrollback could hold). */
  frames(): string[];
  unmount(): void;
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
 * ink-testing-library's render, plus keys and waiting. Resolves once the first frame is out and the
 * effects (where Ink's input hooks subscribe) have run, so the first key is not lost.
 */
export async function renderScreen(tree: ReactElement): Promise<ScreenHandle> {
  const instance = render(tree);
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
    unmount: () => instance.unmount(),
  };
}
