import { Text } from 'ink';

/** On every screen of a `--sandbox` run: AWS is emulated, and the hosts are simulated in this process. */
export function SandboxBanner() {
  return (
    <Text color="black" backgroundColor="yellow" bold>
      {' SANDBOX — nothing real is created; hosts are simulated in this process '}
    </Text>
  );
}
