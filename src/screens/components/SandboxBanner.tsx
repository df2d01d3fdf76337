import { Text } from 'ink';

export function SandboxBanner() {
  return (
    <Text color="black" backgroundColor="yellow" bold>
      {' SANDBOX — nothing real is created '}
    </Text>
  );
}
