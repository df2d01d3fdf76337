import { Box, Text } from 'ink';
import type { SessionInfo } from '../../engine/controller.js';
import type { Identity } from '../../engine/types.js';
import { PRODUCT } from '../labels.js';
import { SandboxBanner } from './SandboxBanner.js';

/** On top of every screen after Welcome: product, project, region, the account when known, the sandbox tag. */
export function Header({ info, title, identity }: { info: SessionInfo; title: string; identity?: Identity }) {
  return (
    <Box flexDirection="column" marginBottom={1}>
      {info.sandbox ? <SandboxBanner /> : null}
      <Text>
        <Text bold color="cyan">
          {PRODUCT}
        </Text>
        <Text dimColor>
          {' '}
          · {info.project} · {info.region}
          {identity ? ` · account ${identity.account}` : ''} ·{' '}
        </Text>
        <Text bold>{title}</Text>
      </Text>
    </Box>
  );
}
