import { useEffect, useState } from 'react';
import type { HostCredential } from '../tasks/hosts/credentials.js';

export type Reveal = { kind: 'hidden' } | { kind: 'reading' } | { kind: 'shown'; credentials: HostCredential[] } | { kind: 'error'; message: string };

/**
 * `g` on the Summary: the admin accounts of the hosts (GitLab's initial root, the shop's, WordPress's and
 * Uptime Kuma's admins), read over SSH when asked, shown until `g` again, taken off the screen before the
 * tool exits (`hideSecrets`). They live only in root-only files on their hosts; never in the state, a log or an event.
 */
export function useCredentials(reveal: (() => Promise<HostCredential[]>) | undefined, onSecretShown?: (shown: boolean) => void, hideSecrets = false) {
  const [state, setState] = useState<Reveal>({ kind: 'hidden' });
  const shown = state.kind === 'shown' && !hideSecrets && state.credentials.some((c) => c.password !== undefined);
  useEffect(() => onSecretShown?.(shown), [shown, onSecretShown]);
  const toggle = () => {
    if (!reveal || state.kind === 'reading') return;
    if (state.kind === 'shown') return setState({ kind: 'hidden' });
    setState({ kind: 'reading' });
    reveal().then(
      (credentials) => setState({ kind: 'shown', credentials }),
      (error: unknown) => setState({ kind: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  };
  return { state: hideSecrets && state.kind === 'shown' ? ({ kind: 'hidden' } as const) : state, toggle };
}
