import { useEffect, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { HostAccessInfo } from '../../tasks/hosts/access-info.js';

type Reveal = { kind: 'hidden' } | { kind: 'reading' } | { kind: 'shown'; password: string } | { kind: 'gone' } | { kind: 'error'; message: string };

export interface HostAccessPanelProps {
  info: HostAccessInfo;
  /** Reads GitLab's initial root password over SSH (absent: the panel offers nothing). */
  reveal?: () => Promise<string | undefined>;
  /** Told when the password is on screen, so the app can hide it before it exits (Ink leaves its last frame). */
  onSecretShown?: (shown: boolean) => void;
  /** Set by the app when it is about to exit: the password is taken off the screen. */
  hideSecrets?: boolean;
  /** The hosts are simulated in the tool's process (`--sandbox`): these addresses lead nowhere outside it. */
  simulated?: boolean;
}

/** The Summary's way in: URLs, SSH commands through the bastion, and GitLab's one-time root password on request. */
export function HostAccessPanel({ info, reveal, onSecretShown, hideSecrets, simulated }: HostAccessPanelProps) {
  const [state, setState] = useState<Reveal>({ kind: 'hidden' });
  const shown = state.kind === 'shown' && !hideSecrets;
  useEffect(() => onSecretShown?.(shown), [shown, onSecretShown]);

  useInput((input) => {
    if (input !== 'g' || !reveal) return;
    if (state.kind === 'shown') return setState({ kind: 'hidden' });
    if (state.kind === 'reading') return;
    setState({ kind: 'reading' });
    reveal().then(
      (password) => setState(password === undefined ? { kind: 'gone' } : { kind: 'shown', password }),
      (error: unknown) => setState({ kind: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  });

  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>
        Hosts{simulated ? <Text color="magenta"> (simulated in this process: these addresses lead nowhere outside the rehearsal)</Text> : null}
      </Text>
      {info.urls.map((url) => (
        <Text key={url.label}>
          {`  ${url.label.padEnd(12)}`}
          <Text color="cyan">{url.url}</Text>
          {url.note ? <Text dimColor>{`  ${url.note}`}</Text> : null}
        </Text>
      ))}
      {info.ssh.map((line) => (
        <Text key={line.host}>
          {`  ${line.host.padEnd(12)}`}
          <Text color="cyan">{line.command}</Text>
        </Text>
      ))}
      {reveal ? (
        <Text>
          {'  GitLab root  '}
          {state.kind === 'shown' && !hideSecrets ? (
            <>
              <Text bold color="yellow">
                {state.password}
              </Text>
              <Text dimColor>  g hides it; it is taken off the screen before aws-runbook exits and is stored nowhere — change it at first login</Text>
            </>
          ) : state.kind === 'reading' ? (
            <Text dimColor>reading it on the GitLab host…</Text>
          ) : state.kind === 'gone' ? (
            <Text color="yellow">GitLab already deleted its initial password (24 h after install): reset it with `sudo gitlab-rake "gitlab:password:reset[root]"`</Text>
          ) : state.kind === 'error' ? (
            <Text color="red">{state.message}</Text>
          ) : (
            <Text dimColor>press g to show the initial password (read over SSH now, shown once, never stored)</Text>
          )}
        </Text>
      ) : null}
    </Box>
  );
}
