import { useState, type ReactElement } from 'react';
import { Box } from 'ink';
import Spinner from 'ink-spinner';
import type { RunbookController } from '../app/controller.js';
import type { Identity, PlannedStep, SectionId } from '../engine/types.js';
import { actionLabel, addedMonthlyCost, formatElapsed, formatErrorLine, formatTypical, formatUsd } from '../render/format-units.js';
import { Frame } from './frame/Frame.js';
import type { Hint } from './frame/hints.js';
import { ScrollView } from './frame/ScrollView.js';
import { row, textRows } from './frame/rows.js';
import { useCursor } from './frame/use-cursor.js';
import { previewRows, stepDetailRows, stepRow } from './components/step-rows.js';
import { useSectionPlan } from './use-section-plan.js';
import { useNow } from './use-now.js';

export interface SectionPreviewProps {
  controller: RunbookController;
  section: SectionId;
  /** Step-by-step by default (`up --step`); `t` asks for it anyway. */
  stepMode?: boolean;
  onConfirm: (steps: PlannedStep[], stepMode: boolean) => void;
  onBack: () => void;
  /** What b/Esc means here ("back", or "decline" when previewing the sections of `up`). */
  backLabel?: string;
  /** What q does here. */
  quitLabel?: string;
  /** The AWS account this would change, when known. */
  identity?: Identity;
  /** `up`: sections confirmed before this one, applied together with it (they satisfy its prerequisites). */
  alongWith?: SectionId[];
  /** `up`: how many sections are still to preview after this one. */
  remaining?: number;
}

/** "30 create · 1 adopt · 7 no change": what the plan says of the section's steps. */
function actionCounts(steps: readonly PlannedStep[]): string {
  const actions = ['create', 'adopt', 'no-change', 'conflict'] as const;
  return actions.flatMap((action) => {
    const n = steps.filter((step) => step.action === action).length;
    return n > 0 ? [`${n} ${actionLabel(action)}`] : [];
  }).join(' · ');
}

/** What a section will do, before it does it: a row per step (action, title, cost), the selected step's details, then y / t / b. */
export function SectionPreview(props: SectionPreviewProps) {
  const { controller, section, stepMode = false, onConfirm, onBack, backLabel = 'back', alongWith, remaining } = props;
  const { plan, reload } = useSectionPlan(controller, section, alongWith);
  const now = useNow(plan.kind === 'planning');
  const [title] = useState(() => controller.sections().find((s) => s.id === section)?.title ?? section);
  const [seconds] = useState(() => controller.estimate?.().sections[section]?.seconds);
  const steps = plan.kind === 'ready' ? plan.steps : [];
  const cursor = useCursor(steps.length);
  const [zoom, setZoom] = useState(false);
  const selected = steps[cursor.index];
  const conflicts = steps.filter((s) => s.action === 'conflict');
  const canConfirm = plan.kind === 'ready' && conflicts.length === 0 && steps.length > 0;
  const cost = plan.kind === 'ready' ? addedMonthlyCost(steps) : undefined;

  const together = (alongWith?.length ?? 0) + 1;
  const applyLabel = remaining ? 'confirm, preview the next section' : together > 1 ? `apply all ${together} sections` : 'apply';
  const hints: Hint[] = zoom
    ? [['↑/↓', 'scroll'], ['d/Esc', 'back to the steps']]
    : canConfirm
      ? [['y/Enter', stepMode ? `${applyLabel} step by step` : applyLabel], ['t', 'step by step'], ['d', 'details'], ['b/Esc', backLabel]]
      : plan.kind === 'error'
        ? [['r', 'plan again'], ['b/Esc', backLabel]]
        : [['b/Esc', backLabel]];
  const status = [`${steps.length} steps`, cost !== undefined ? `+${formatUsd(cost)}/month` : '', seconds !== undefined ? `${formatTypical(seconds)} on AWS` : ''].filter(Boolean).join(' · ');

  return (
    <Frame
      info={controller.info}
      identity={props.identity}
      title={`Preview: ${title}`}
      status={plan.kind === 'ready' ? status : undefined}
      hints={hints}
      moreKeys={zoom ? [] : [['↑/↓', 'select a step (its details show under it)'], ['PgUp/PgDn', 'a page of steps']]}
      {...(props.quitLabel ? { quit: props.quitLabel } : {})}
      onKey={(input, key) => {
        if (zoom) {
          if (input === 'd' || input === 'b' || key.escape) setZoom(false);
          return;
        }
        if (input === 'b' || key.escape) onBack();
        else if (plan.kind === 'error' && input === 'r') reload();
        else if (input === 'd' && selected) setZoom(true);
        else if (canConfirm && (input === 'y' || key.return)) onConfirm(steps, stepMode);
        else if (canConfirm && input === 't') onConfirm(steps, true);
        else cursor.handle(key, 10);
      }}
    >
      {({ width, height, active }) => {
        if (plan.kind === 'planning') return row('planning', <><Spinner type="dots" /> checking what exists in AWS… {formatElapsed(now - plan.since)}</>);
        if (plan.kind === 'needs') {
          const first = controller.sections().find((s) => s.id === plan.section)?.title ?? plan.section;
          return <Box flexDirection="column">{textRows('needs', `${first} comes first: ${title} needs what it builds (${plan.stepId} needs ${plan.missing}). Go back and open ${first} on the Overview.`, width, { color: 'yellow' })}</Box>;
        }
        if (plan.kind === 'error') {
          return <Box flexDirection="column">{[...textRows('error', `✗ the plan failed: ${formatErrorLine(plan.error)}`, width, { color: 'red' }), ...textRows('hint', `hint: ${plan.error.hint}`, width, { color: 'yellow' })]}</Box>;
        }
        if (zoom && selected) return <ScrollView rows={[stepRow(selected, true, width), ...stepDetailRows(selected, width)]} height={height} active={active} />;
        const pinned: ReactElement[] = [
          ...(steps.length === 0 ? textRows('none', 'This section has no steps.', width, { dimColor: true }) : []),
          ...textRows('total', `${actionCounts(steps)}${cost !== undefined ? ` — section total: +${formatUsd(cost)}/month added by what this section creates` : ''}`, width, { color: 'yellow' }),
          ...(conflicts.length > 0 ? textRows('blocked', `Blocked: ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''} (${conflicts.map((c) => c.title).join(', ')}). Resolve in AWS, then preview again.`, width, { color: 'red', bold: true }) : []),
          ...(alongWith && alongWith.length > 0 ? textRows('along', `confirmed so far: ${alongWith.join(', ')} — nothing is applied until the last section is confirmed; then all run together`, width, { dimColor: true }) : []),
        ];
        const listHeight = Math.max(3, height - pinned.length);
        const list = previewRows(steps, cursor.index, width, Math.max(2, listHeight - 2));
        return (
          <Box flexDirection="column">
            <ScrollView rows={list.rows} height={listHeight} active={active} follow={list.follow} />
            {pinned}
          </Box>
        );
      }}
    </Frame>
  );
}
