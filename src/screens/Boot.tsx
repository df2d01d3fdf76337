import { useCallback, useEffect, useRef, useState } from 'react';
import { useInput, useStdin } from 'ink';
import type { RunbookController } from '../app/controller.js';
import { App, type InterruptSource } from './App.js';
import { OPEN_FAILED, type SessionOpening } from './boot-opening.js';
import { WelcomeFrame } from './Welcome.js';

export interface BootProps {
  opening: SessionOpening;
  /** Settles once `opening.open()` does (the caller starts it after the first frame). */
  ready: Promise<RunbookController>;
  /** Called once: the App's code, 0 when the operator left before the session opened, OPEN_FAILED when it could not be opened. */
  onExit: (code: number) => void;
  interrupts?: InterruptSource;
}

/** What Ink's useInput gets one key at a time (its input event): ours to keep while the session opens, then to hand on. */
const CTRL_C = '\u0003';
const LINE_FEED = '\n';
const RETURN = '\r';

/** Lets React finish what a key started: the render, then the passive effects where the next screen's keys subscribe. */
async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setTimeout(resolve, 15));
}

/**
 * The assistant from its first frame: the Welcome drawn from the config while the session opens (the AWS SDK,
 * the tasks, moto for a rehearsal), then the App on the session. Keys pressed meanwhile are kept and handed
 * to the App in order once it is up (Enter on the Welcome opens the Overview, as if the session had been
 * ready); q and Ctrl-C leave at once, like interrupts. When the session cannot be opened, the frame is taken
 * off the terminal and the caller reports why (the same message and exit code as without a terminal).
 */
export function Boot({ opening, ready, onExit, interrupts }: BootProps) {
  const [controller, setController] = useState<RunbookController>();
  const [failed, setFailed] = useState(false);
  const [notices, setNotices] = useState(() => opening.notices.lines());
  const [keptCount, setKeptCount] = useState(0);
  const kept = useRef<string[]>([]);
  // Settled by the App once its first screen listens: until then Boot keeps every key (none falls between the
  // two), and the first kept key waits for it rather than for a guess of time.
  const [appListening] = useState(() => {
    const listening = { now: false, promise: Promise.resolve(), resolve: () => undefined as void };
    listening.promise = new Promise<void>((resolve) => {
      listening.resolve = () => {
        listening.now = true;
        resolve();
      };
    });
    return listening;
  });
  const exited = useRef(false);
  const { internal_eventEmitter: keys } = useStdin();
  const opened = controller !== undefined || failed;
  // Holds the terminal in raw mode from the first frame to the last, across the swap from the Welcome to the
  // App (a key typed in between is neither echoed nor line-buffered). The keys themselves are handled below.
  useInput(() => undefined);

  const exit = useCallback(
    (code: number) => {
      if (exited.current) return;
      exited.current = true;
      onExit(code);
    },
    [onExit],
  );

  useEffect(() => opening.notices.subscribe(() => setNotices(opening.notices.lines())), [opening]);

  useEffect(() => {
    let live = true;
    ready.then(
      (loaded) => live && setController(() => loaded),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [ready]);

  // Until the App listens: q and Ctrl-C leave (the Welcome's own keys); every other key is kept.
  useEffect(() => {
    if (failed) return;
    const onKey = (data: string) => {
      if (appListening.now) return;
      if (data === CTRL_C || data === 'q') return exit(0);
      // Enter typed ahead, before the terminal was in raw mode, comes as a line feed: kept as the Return it was.
      kept.current.push(data === LINE_FEED ? RETURN : data);
      setKeptCount(kept.current.length);
    };
    keys.on('input', onKey);
    return () => void keys.off('input', onKey);
  }, [failed, keys, exit, appListening]);

  // An interrupt (SIGINT, SIGTERM, SIGHUP) before the session is open: leave, as on the Welcome.
  useEffect(() => (opened || !interrupts ? undefined : interrupts(() => exit(0))), [opened, interrupts, exit]);

  // The App is up: the kept keys, one at a time, each once the screen it reaches has subscribed its keys.
  useEffect(() => {
    if (!controller) return;
    let live = true;
    void (async () => {
      await appListening.promise;
      for (let first = true; live && kept.current.length > 0; first = false) {
        if (!first) await settle();
        const data = kept.current.shift();
        if (live && data !== undefined) keys.emit('input', data);
      }
    })();
    return () => {
      live = false;
    };
  }, [controller, keys, appListening]);

  // Nothing is drawn (the Welcome goes), then the caller says why it could not open.
  useEffect(() => {
    if (failed) exit(OPEN_FAILED);
  }, [failed, exit]);

  if (failed) return null;
  if (controller) return <App controller={controller} onExit={exit} interrupts={interrupts} notices={notices} onInputReady={appListening.resolve} />;
  const waiting = keptCount > 0 ? ` (${keptCount} ${keptCount === 1 ? 'key' : 'keys'} kept for when it is ready)` : '';
  return (
    <WelcomeFrame
      info={opening.info}
      identity={{ kind: 'loading', doing: `${opening.doing}${waiting}` }}
      notices={notices}
      hints={[['Enter', 'overview']]}
      quitLabel={opening.info.sandbox ? 'quit (discards the rehearsal)' : 'quit'}
    />
  );
}
