import type { RunbookController } from '../app/controller.js';
import type { AppStart, InterruptSource } from '../screens/App.js';
import type { SessionOpening } from '../screens/boot-opening.js';
import { loadScreens } from './load-screens.js';
import { signalInterrupts } from './signals.js';

/**
 * The interactive assistant with the process's signals routed to it: SIGINT, SIGTERM and SIGHUP go
 * the way of the Ctrl-C key (the first stops the run in flight, the state records where, the lock is
 * released when the caller closes the session). After a second one the process exits at once with the
 * App's code (130), without closing the session: the state file is whole (atomic writes) and the
 * 'exit' handlers still stop moto, remove the sandbox's temporary directories and release the lock.
 * Once the App has left, signals get the process-wide default again (signals.ts).
 */
export async function runTuiWithSignals(controller: RunbookController, start: AppStart, notices?: readonly string[]): Promise<number> {
  const { runTui } = await loadScreens(() => import('../screens/run-tui.js'));
  return withSignals((interrupts) => runTui(controller, start, { interrupts, ...(notices ? { notices } : {}) }));
}

/** The same, for the assistant drawn before its session is open (the Welcome first, the session loaded meanwhile). */
export async function bootTuiWithSignals(opening: SessionOpening): Promise<number> {
  const { runBootTui } = await loadScreens(() => import('../screens/run-tui.js'));
  return withSignals((interrupts) => runBootTui(opening, { interrupts }));
}

async function withSignals(run: (interrupts: InterruptSource) => Promise<number>): Promise<number> {
  let received = 0;
  const interrupts: InterruptSource = (listener) =>
    signalInterrupts(() => {
      received += 1;
      listener();
    });
  const code = await run(interrupts);
  if (received > 1) process.exit(code);
  return code;
}
