import { Box, Text } from 'ink';
import type { HostAccessInfo } from '../../tasks/hosts/access-info.js';
import type { HostCredential } from '../../tasks/hosts/credentials.js';
import { CredentialsReveal } from './CredentialsReveal.js';

export interface HostAccessPanelProps {
  info: HostAccessInfo;
  /** Reads the hosts' admin credentials over SSH (absent: the panel offers nothing). */
  reveal?: () => Promise<HostCredential[]>;
  /** Told when a password is on screen, so the app can hide it before it exits (Ink leaves its last frame). */
  onSecretShown?: (shown: boolean) => void;
  /** Set by the app when it is about to exit: the passwords are taken off the screen. */
  hideSecrets?: boolean;
  /** The hosts are simulated in the tool's process (`--sandbox`): these addresses lead nowhere outside it. */
  simulated?: boolean;
}

/** The Summary's way in: URLs, SSH commands through the bastion, and the admin accounts on request. */
export function HostAccessPanel({ info, reveal, onSecretShown, hideSecrets, simulated }: HostAccessPanelProps) {
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
      {reveal ? <CredentialsReveal reveal={reveal} {...(onSecretShown ? { onSecretShown } : {})} {...(hideSecrets !== undefined ? { hideSecrets } : {})} /> : null}
    </Box>
  );
}
