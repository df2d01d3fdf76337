import { Text } from 'ink';
import type { RunView } from '../../engine/reducer.js';
import type { PlannedStep } from '../../engine/types.js';

/** Per host: how many of its steps in this run are done, and whether one of them is at work or failed. */
export function HostProgress({ plan, view }: { plan: readonly PlannedStep[]; view: RunView }) {
  const hosts = [...new Set(plan.flatMap((step) => (step.host ? [step.host] : [])))];
  if (hosts.length === 0) return null;
  return (
    <Text>
      <Text dimColor>hosts </Text>
      {hosts.map((host, index) => {
        const steps = plan.filter((step) => step.host === host);
        const kinds = steps.map((step) => view.steps[step.stepId]?.kind);
        const done = kinds.filter((kind) => kind === 'done').length;
        const color = kinds.includes('failed') ? 'red' : done === steps.length ? 'green' : kinds.includes('running') ? 'cyan' : undefined;
        return (
          <Text key={host}>
            {index > 0 ? <Text dimColor> · </Text> : null}
            <Text color={color}>{`${host} ${done}/${steps.length}`}</Text>
          </Text>
        );
      })}
    </Text>
  );
}
