import { render } from 'ink';
import type { RunbookController } from '../app/controller.js';
import { App, type AppStart, type InterruptSource } from './App.js';

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
  let code = 0;
  const handle: { unmount?: () => void } = {};
  const onExit = (exitCode: number) => {
    code = exitCode;
    // Leave the input handler first; the last frame stays on the terminal.
    setImmediate(() => handle.unmount?.());
  };
  const instance = render(<App controller={controller} start={start} onExit={onExit} interrupts={options.interrupts} {...(options.notices ? { notices: options.notices } : {})} />, { exitOnCtrlC: false });
  handle.unmount = instance.unmount;
  await instance.waitUntilExit();
  return code;
}
