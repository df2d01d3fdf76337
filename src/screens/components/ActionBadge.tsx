import { Text } from 'ink';
import type { PlanAction } from '../../engine/types.js';
import { actionLabel } from '../../render/format-units.js';
import { ACTION_COLOR } from '../labels.js';

export function ActionBadge({ action }: { action: PlanAction | 'destroy' }) {
  return (
    <Text color={ACTION_COLOR[action]} bold={action === 'conflict'}>
      [{actionLabel(action)}]
    </Text>
  );
}
