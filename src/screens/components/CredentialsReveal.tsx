import { useEffect, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { HostCredential } from '../../tasks/hosts/credentials.js';

type Reveal = { kind: 'hidden' } | { kind: 'reading' } | { kind: 'shown'; credentials: HostCredential[] } | { kind: 'error'; message: string };

export interface CredentialsRevealProps {
  /** Reads the hosts' admin credentials over SSH, now. */
  reveal: () => Promise<HostCredential[]>;
  /** Told when a password is on screen, so the app can hide it before it exits (Ink leaves its last frame). */
  onSecretShown?: (shown: boolean) => void;
  /** Set by the app when it is about to exit: the passwords are taken off the screen. */
  hideSecrets?: boolean;
}

/**
 * `g` on the Summary: the admin accounts of the hosts (GitLab's initial root, the shop's, WordPress's and
 * Uptime Kuma's admins), read over SSH when asked, shown until `g` again, taken off the screen before the
 * tool exits. They live only in root-only files on their hosts; never in the state, a log or an event.
 */
export function CredentialsReveal({ reveal, onSecretShown, hideSecrets }: CredentialsRevealProps) {
  const [state, setState] = useState<Reveal>({ kind: 'hidden' });
  const shown = state.kind === 'shown' && !hideSecrets && state.credentials.some((c) => c.password !== undefined);
  useEffect(() => onSecretShown?.(shown), [shown, onSecretShown]);

  useInput((input) => {
    if (input !== 'g') return;
    if (state.kind === 'shown') return setState({ kind: 'hidden' });
    if (state.kind === 'reading') return;
    setState({ kind: 'reading' });
    reveal().then(
      (credentials) => setState({ kind: 'shown', credentials }),
      (error: unknown) => setState({ kind: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  });

  if (state.kind === 'shown' && !hideSecrets) {
    return (
      <Box flexDirection="column">
        {state.credentials.map((c) => (
          <Text key={c.label}>
            {`  ${c.label.padEnd(30)}`}
            {c.password !== undefined ? (
              <Text bold color="yellow">{`${c.user} / ${c.password}`}</Text>
            ) : c.error ? (
              <Text color="red">{c.error}</Text>
            ) : (
              <Text dimColor>{c.label === 'GitLab' ? 'GitLab already deleted its initial password (24 h after install): reset it with `sudo gitlab-rake "gitlab:password:reset[root]"`' : 'not created yet'}</Text>
            )}
          </Text>
        ))}
        <Text dimColor>  g hides them; taken off the screen before aws-runbook exits; kept only in root-only files on their hosts (never in the state or a log): change them at first login</Text>
      </Box>
    );
  }
  return (
    <Text>
      {'  admin accounts  '}
      {state.kind === 'reading' ? (
        <Text dimColor>reading them on the hosts…</Text>
      ) : state.kind === 'error' ? (
        <Text color="red">{state.message}</Text>
      ) : (
        <Text dimColor>press g to show GitLab's root and the shop, WordPress and Uptime Kuma admins (read over SSH now, never stored by the tool)</Text>
      )}
    </Text>
  );
}
