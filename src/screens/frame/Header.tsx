import { Box, Text } from 'ink';
import { Badge } from '@inkjs/ui';
import type { SessionInfo } from '../../app/controller.js';
import type { Identity } from '../../engine/types.js';
import { PRODUCT } from '../labels.js';

export interface HeaderProps {
  info: Pick<SessionInfo, 'project' | 'region' | 'sandbox'>;
  identity?: Identity;
  title: string;
  /** Said at the right of the title rule (counts, cost, elapsed): cut first when the row is short. */
  status?: string;
  width: number;
}

/** The rows every frame starts with: product, project, region, account and the SANDBOX badge; then the screen's title. */
export const HEADER_ROWS = 2;

export function Header({ info, identity, title, status, width }: HeaderProps) {
  const where = `${PRODUCT} · ${info.project} · ${info.region}${identity ? ` · account ${identity.account}` : ''}`;
  const badge = info.sandbox ? 9 : 0;
  const room = Math.max(0, width - title.length - 3);
  const said = status && status.length + 3 <= room ? ` ${status} ─` : '';
  const rule = '─'.repeat(Math.max(1, room - said.length));
  return (
    <Box flexDirection="column" width={width}>
      <Box width={width}>
        <Box flexGrow={1} flexShrink={1} width={Math.max(1, width - badge)}>
          <Text wrap="truncate-end">
            <Text bold color="cyan">
              {PRODUCT}
            </Text>
            <Text dimColor>{where.slice(PRODUCT.length)}</Text>
          </Text>
        </Box>
        {info.sandbox ? (
          <Box flexShrink={0}>
            <Badge color="yellow">sandbox</Badge>
          </Box>
        ) : null}
      </Box>
      <Text wrap="truncate-end">
        <Text dimColor>─ </Text>
        <Text bold>{title}</Text>
        <Text dimColor>{` ${rule}`}</Text>
        {said ? <Text>{said.slice(0, -2)}</Text> : null}
        {said ? <Text dimColor> ─</Text> : null}
      </Text>
    </Box>
  );
}
