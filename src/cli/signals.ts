/**
 * The process's signals (SIGINT, SIGTERM, SIGHUP). Node's default for them is to die by the signal,
 * which skips the 'exit' handlers: moto would be orphaned and the sandbox's throwaway directories left
 * in /tmp. So one listener per signal is installed for the whole process: it hands the signal to the
 * command's handler when one is installed (the last one installed wins), and otherwise exits normally
 * with 128 + the signal's number, so every 'exit' handler runs (moto killed, temporary dirs removed, the
 * lock released). A terminal that closes is one SIGHUP, whether its signal or a failed write comes first.
 *
 * Commands must install their handlers through `onSignals`, never with `process.on('SIGINT')`: the
 * default listener would exit before theirs ran.
 */

export const EXIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type ExitSignal = (typeof EXIT_SIGNALS)[number];

/** The exit code of a process stopped by the signal (128 + its number), as shells report it. */
export const SIGNAL_EXIT_CODES: Readonly<Record<ExitSignal, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export type SignalHandler = (signal: ExitSignal) => void;

const handlers: SignalHandler[] = [];
let installed = false;
let hungUp = false;

function dispatch(signal: ExitSignal): void {
  if (signal === 'SIGHUP') {
    // One hang-up per terminal: the SIGHUP that follows a write error (below) is the same event.
    if (hungUp) return;
    hungUp = true;
  }
  const handler = handlers.at(-1);
  if (handler) handler(signal);
  else process.exit(SIGNAL_EXIT_CODES[signal]);
}

/**
 * A terminal that closes makes writes to it fail (EIO), often before its SIGHUP arrives; a reader that
 * goes away (a closed pipe) fails them with EPIPE. Either is the hang-up: handled once, like SIGHUP; the
 * writes after it fail quietly. Any other write error is thrown as before.
 */
function onOutputError(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EIO' && error.code !== 'EPIPE') throw error;
  dispatch('SIGHUP');
}

/** Installs the process-wide listeners (once; later calls do nothing). */
export function installSignalDefaults(): void {
  if (installed) return;
  installed = true;
  for (const signal of EXIT_SIGNALS) process.on(signal, () => dispatch(signal));
  process.stdout.on('error', onOutputError);
  process.stderr.on('error', onOutputError);
}

/**
 * While installed, `handler` gets SIGINT, SIGTERM and SIGHUP instead of the default exit. Returns the
 * function that removes it (then the previous handler, or the default, applies again).
 */
export function onSignals(handler: SignalHandler): () => void {
  installSignalDefaults();
  handlers.push(handler);
  return () => {
    const index = handlers.lastIndexOf(handler);
    if (index >= 0) handlers.splice(index, 1);
  };
}

/**
 * The subscription the interactive assistant gets (App's `interrupts` prop): each signal is one
 * interrupt, handled like the Ctrl-C key (the first stops the run, the second exits at once).
 */
export function signalInterrupts(listener: () => void): () => void {
  return onSignals(() => listener());
}
