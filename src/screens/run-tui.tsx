import { render } from 'ink';
import type { RunbookController } from '../engine/controller.js';
import { App, type AppStart } from './App.js';

/**
 * Renders the TUI on the terminal and resolves with the exit code once the operator leaves
 * (0 ok, 1 failed/declined, 130 aborted). Ctrl-C is handled by the App (stop the run first), not by
 * Ink. The controller stays open: the caller closes it (lock, sandbox).
 */
export async function runTui(controller: RunbookController, start?: AppStart): Promise<number> {
  let code = 0;
  const handle: { unmount?: () => void } = {};
  const onExit = (exitCode: number) => {
    code = exitCode;
    // Leave the input handler first; the last frame stays on the terminal.
    setImmediate(() => handle.unmount?.());
  };
  const instance = render(<App controller={controller} start={start} onExit={onExit} />, { exitOnCtrlC: false });
  handle.unmount = instance.unmount;
  await instance.waitUntilExit();
  return code;
}
