import type { ReactElement } from 'react';
import { render } from 'ink';
import type { RunbookController } from '../app/controller.js';
import { App, type AppStart, type InterruptSource } from './App.js';
import { Boot } from './Boot.js';
import type { SessionOpening } from './boot-opening.js';

export interface RunTuiOptions {
  /** Interrupts from outside the keyboard (the CLI's SIGINT/SIGTERM/SIGHUP): handled like Ctrl-C. */
  interrupts?: InterruptSource;
  /** What the tool said while it started, for the Welcome screen. */
  notices?: readonly string[];
}

/**
 * Renders the TUI on the terminal and resolves with the exit code once the operator leaves
 * (0 ok, 1 failed/declined, 130 aborted). Ctrl-C is handled by the App (stop the run first), not by
 * Ink; so are the interrupts the caller passes. The controller stays open: the caller closes it (lock, sandbox).
 */
export async function runTui(controller: RunbookController, start?: AppStart, options: RunTuiOptions = {}): Promise<number> {
  return renderUntilExit((onExit) => <App controller={controller} start={start} onExit={onExit} interrupts={options.interrupts} {...(options.notices ? { notices: options.notices } : {})} />);
}

/**
 * The assistant from its first frame (Boot.tsx): the Welcome is on the terminal before `opening.open()`
 * starts loading the session. Resolves with the App's exit code, 0 when the operator left before the
 * session opened, or OPEN_FAILED (the frame taken off the terminal: the caller reports why).
 */
export async function runBootTui(opening: SessionOpening, options: Pick<RunTuiOptions, 'interrupts'> = {}): Promise<number> {
  let settle!: { resolve: (controller: RunbookController) => void; reject: (error: unknown) => void };
  const ready = new Promise<RunbookController>((resolve, reject) => (settle = { resolve, reject }));
  // Handled by Boot; marked handled here too, for an exit before Boot has subscribed.
  ready.catch(() => undefined);
  const exited = renderUntilExit((onExit) => <Boot opening={opening} ready={ready} onExit={onExit} interrupts={options.interrupts} />);
  // Ink wrote the first frame synchronously: only now load what the session needs.
  opening.open().then(settle.resolve, settle.reject);
  return exited;
}

async function renderUntilExit(tree: (onExit: (code: number) => void) => ReactElement): Promise<number> {
  let code = 0;
  const handle: { unmount?: () => void } = {};
  const onExit = (exitCode: number) => {
    code = exitCode;
    // Leave the input handler first; the last frame stays on the terminal.
    setImmediate(() => handle.unmount?.());
  };
  // Raw mode before the first frame, not after it (Ink sets it in an effect once the frame is out): a key
  // pressed as the frame appears is then neither echoed over it nor line-buffered (Enter would come as a
  // line feed, which Ink does not take for Return). Ink takes the terminal back to cooked mode as it leaves;
  // so does the finally, for a tree that left before Ink took raw mode over.
  const terminal = process.stdin.isTTY ? process.stdin : undefined;
  terminal?.setRawMode(true);
  try {
    const instance = render(tree(onExit), { exitOnCtrlC: false });
    handle.unmount = instance.unmount;
    await instance.waitUntilExit();
  } finally {
    terminal?.setRawMode(false);
  }
  return code;
}
