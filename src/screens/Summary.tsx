import { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { RunbookController } from '../engine/controller.js';
import { stepsOfSection, type RunView } from '../engine/reducer.js';
import { actionLabel, formatDuration, formatOutputs } from '../render/format-units.js';
import { Header } from './components/Header.js';
import { KeyHints } from './components/KeyHints.js';
import { SECTION_ICON } from './labels.js';
import { HostAccessPanel } from './components/HostAccessPanel.js';

export interface SummaryProps {
  controller: RunbookController;
  view: RunView;
  elapsedMs: number;
  onOverview: () => void;
  /** The verification checklist (v). */
  onChecklist: () => void;
  /** See HostAccessPanel: the app hides the GitLab password before it exits. */
  onSecretShown?: (shown: boolean) => void;
  hideSecrets?: boolean;
}

/** What this session built, per section, with the resource ids; then what to run next. */
export function Summary({ controller, view, elapsedMs, onOverview, onChecklist, onSecretShown, hideSecrets }: SummaryProps) {
  const [sections] = useState(() => controller.sections());
  const [access] = useState(() => controller.hostAccess?.());
  const hostsDone = sections.some((s) => s.id === 'hosts' && s.recorded === 'done');
  useInput((input, key) => {
    if (input === 'o') onOverview();
    else if (input === 'v' || key.return) onChecklist();
  });

  return (
    <Box flexDirection="column">
      <Header info={controller.info} title="Summary" identity={view.identity} />
      {sections
        .filter((s) => s.available)
        .map((section) => {
          const icon = SECTION_ICON[section.recorded];
          const made = stepsOfSection(view, section.id).flatMap(({ stepId, status }) =>
            status.kind === 'done' && (status.action === 'create' || status.action === 'adopt')
              ? [{ stepId, title: status.plan?.title ?? stepId, action: status.action, outputs: status.outputs }]
              : [],
          );
          return (
            <Box key={section.id} flexDirection="column">
              <Text>
                <Text color={icon.color}>{icon.icon}</Text> <Text bold>{section.title}</Text>
                <Text dimColor>{`  ${icon.label}`}</Text>
              </Text>
              {made.map((step) => (
                <Text key={step.stepId}>
                  {'    '}
                  {step.title}
                  <Text dimColor>{`  ${actionLabel(step.action)}`}</Text>
                  <Text color="cyan">{`  ${formatOutputs(step.outputs)}`}</Text>
                </Text>
              ))}
              {made.length === 0 && section.recorded !== 'not-started' ? (
                <Text dimColor>{'    nothing created or adopted this session (`aws-runbook status` lists the ids)'}</Text>
              ) : null}
            </Box>
          );
        })}
      {access ? (
        <HostAccessPanel
          info={access}
          reveal={hostsDone && controller.revealCredentials ? () => controller.revealCredentials!() : undefined}
          onSecretShown={onSecretShown}
          hideSecrets={hideSecrets}
          simulated={controller.info.simulatedHosts}
        />
      ) : null}
      <Box flexDirection="column" marginTop={1}>
        <Text>total elapsed {formatDuration(elapsedMs)}</Text>
        <Text>next:</Text>
        <Text>  Enter / v            the checklist: does everything hold? (also `aws-runbook verify`)</Text>
        <Text>  aws-runbook status   what the state file records, per step</Text>
        <Text>  aws-runbook down     tear everything down (asks for the project name)</Text>
      </Box>
      <KeyHints hints={access && hostsDone ? [['Enter/v', 'checklist'], ['g', 'admin passwords'], ['o', 'overview']] : [['Enter/v', 'checklist'], ['o', 'overview']]} />
    </Box>
  );
}
