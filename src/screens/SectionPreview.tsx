import { useCallback, useEffect, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import Spinner from 'ink-spinner';
import type { ClassifiedError } from '../aws/error-kinds.js';
import type { RunbookController } from '../engine/controller.js';
import type { Identity, PlannedStep, SectionId } from '../engine/types.js';
import { formatElapsed, formatErrorLine, formatUsd, addedMonthlyCost } from '../render/format-units.js';
import { Header } from './components/Header.js';
import { KeyHints, type Hint } from './components/KeyHints.js';
import { PlannedStepView } from './components/PlannedStepView.js';
import { toClassified } from './use-apply.js';
import { useNow } from './use-now.js';

type PlanState =
  | { kind: 'planning'; since: number }
  | { kind: 'ready'; steps: PlannedStep[] }
  | { kind: 'error'; error: ClassifiedError };

export interface SectionPreviewProps {
  controller: RunbookController;
  section: SectionId;
  /** Step-by-step by default (`up --step`); `t` asks for it anyway. */
  stepMode?: boolean;
  onConfirm: (steps: PlannedStep[], stepMode: boolean) => void;
  onBack: () => void;
  /** What b/Esc means here ("back", or "skip" when previewing the sections of `up`). */
  backLabel?: string;
  /** The AWS account this would change, when known. */
  identity?: Identity;
  /** `up`: sections confirmed before this one, applied together with it (they satisfy its prerequisites). */
  alongWith?: SectionId[];
  /** `up`: how many sections are still to preview after this one. */
  remaining?: number;
}

/** What a section will do, before it does it: one block per step, the cost, then y / t / b. */
export function SectionPreview(props: SectionPreviewProps) {
  const { controller, section, stepMode = false, onConfirm, onBack, backLabel = 'back', alongWith, remaining } = props;
  const [plan, setPlan] = useState<PlanState>(() => ({ kind: 'planning', since: Date.now() }));
  const now = useNow(plan.kind === 'planning');
  const [title] = useState(() => controller.sections().find((s) => s.id === section)?.title ?? section);

  const load = useCallback(() => {
    let live = true;
    setPlan({ kind: 'planning', since: Date.now() });
    controller.plan([section], alongWith && alongWith.length > 0 ? { alongWith } : undefined).then(
      (steps) => {
        if (live) setPlan({ kind: 'ready', steps: steps.filter((s) => s.section === section) });
      },
      (error: unknown) => {
        if (live) setPlan({ kind: 'error', error: toClassified(error) });
      },
    );
    return () => {
      live = false;
    };
  }, [controller, section, alongWith]);
  useEffect(load, [load]);

  const conflicts = plan.kind === 'ready' ? plan.steps.filter((s) => s.action === 'conflict') : [];
  const canConfirm = plan.kind === 'ready' && conflicts.length === 0 && plan.steps.length > 0;

  useInput((input, key) => {
    if (input === 'b' || key.escape) onBack();
    else if (plan.kind === 'error' && input === 'r') load();
    else if (canConfirm && (input === 'y' || key.return)) onConfirm(plan.steps, stepMode);
    else if (canConfirm && input === 't') onConfirm(plan.steps, true);
  });

  const together = (alongWith?.length ?? 0) + 1;
  const applyLabel = remaining ? 'confirm, preview the next section' : together > 1 ? `apply all ${together} sections` : 'apply';
  const hints: Hint[] = canConfirm
    ? [['y/Enter', stepMode ? `${applyLabel} step by step` : applyLabel], ['t', 'step by step'], ['b/Esc', backLabel]]
    : plan.kind === 'error'
      ? [['r', 'plan again'], ['b/Esc', backLabel]]
      : [['b/Esc', backLabel]];
  const cost = plan.kind === 'ready' ? addedMonthlyCost(plan.steps) : undefined;

  return (
    <Box flexDirection="column">
      <Header info={controller.info} title={`Preview: ${title}`} identity={props.identity} />
      {plan.kind === 'planning' ? (
        <Text>
          <Spinner type="dots" /> checking what exists in AWS… {formatElapsed(now - plan.since)}
        </Text>
      ) : plan.kind === 'error' ? (
        <>
          <Text color="red">✗ the plan failed: {formatErrorLine(plan.error)}</Text>
          <Text color="yellow">hint: {plan.error.hint}</Text>
        </>
      ) : (
        <>
          {plan.steps.map((step) => (
            <PlannedStepView key={step.stepId} step={step} />
          ))}
          {plan.steps.length === 0 ? <Text dimColor>This section has no steps.</Text> : null}
          {cost !== undefined ? (
            <Text>
              section total: <Text bold color="yellow">+{formatUsd(cost)}/month</Text>
              <Text dimColor> added by what this section creates</Text>
            </Text>
          ) : null}
          {conflicts.length > 0 ? (
            <Text color="red" bold>
              Blocked: {conflicts.length} conflict{conflicts.length > 1 ? 's' : ''} ({conflicts.map((c) => c.title).join(', ')}).
              Resolve in AWS, then preview again.
            </Text>
          ) : null}
        </>
      )}
      {alongWith && alongWith.length > 0 ? (
        <Text dimColor>
          confirmed so far: {alongWith.join(', ')} — nothing is applied until the last section is confirmed; then all run
          together
        </Text>
      ) : null}
      <KeyHints hints={hints} />
    </Box>
  );
}
