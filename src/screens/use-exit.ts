import { useCallback, useRef, useState } from 'react';

/**
 * Leaving the app, once: `exit(code)` calls `onExit` a single time. While an admin password is on screen
 * (noted with `noteSecretShown`), it is first taken off (`hideSecrets`, one render), since Ink leaves its
 * last frame on the terminal.
 */
export function useExit(onExit: (code: number) => void) {
  const exited = useRef(false);
  const secretShown = useRef(false);
  const [hideSecrets, setHideSecrets] = useState(false);
  const exit = useCallback(
    (code: number) => {
      if (exited.current) return;
      if (secretShown.current) {
        secretShown.current = false;
        setHideSecrets(true);
        setTimeout(() => exit(code), 50); // one render without the secret, then exit
        return;
      }
      exited.current = true;
      onExit(code);
    },
    [onExit],
  );
  const noteSecretShown = useCallback((shown: boolean) => {
    secretShown.current = shown;
  }, []);
  return { exit, hideSecrets, noteSecretShown };
}
