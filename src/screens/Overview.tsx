import { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { RunbookController } from '../engine/controller.js';
import type { Identity, SectionId } from '../engine/types.js';
import { formatDuration } from '../render/format-units.js';
import { Header } from './components/Header.js';
import { KeyHints } from './components/KeyHints.js';
import { SECTION_ICON, nextSection } from './labels.js';

export interface OverviewProps {
  controller: RunbookController;
  /** Time spent applying in this session. */
  elapsedMs: number;
  onOpen: (section: SectionId) => void;
  onSummary: () => void;
  /** The verification checklist (v). */
  onChecklist: () => void;
  identity?: Identity;
}

/** The sections with what the state says of each; arrows + Enter open one. */
export function Overview({ controller, elapsedMs, onOpen, onSummary, onChecklist, identity }: OverviewProps) {
  const [sections] = useState(() => controller.sections());
  const next = nextSection(sections);
  const [cursor, setCursor] = useState(() => Math.max(0, next ? sections.indexOf(next) : 0));
  const [message, setMessage] = useState<string | undefined>();

  useInput((input, key) => {
    if (key.upArrow) setCursor((c) => Math.max(0, c - 1));
    else if (key.downArrow) setCursor((c) => Math.min(sections.length - 1, c + 1));
    else if (key.return) {
      const chosen = sections[cursor];
      if (!chosen) return;
      if (chosen.available) onOpen(chosen.id);
      else if (chosen.unavailable && chosen.unavailable !== 'coming later') setMessage(`${chosen.title} cannot run here: ${chosen.unavailable}.`);
      else setMessage(`${chosen.title} is coming later: this version has no steps for it yet.`);
    } else if (input === 's') onSummary();
    else if (input === 'v') onChecklist();
  });

  return (
    <Box flexDirection="column">
      <Header info={controller.info} title="Overview" identity={identity} />
      {sections.map((section, i) => {
        const icon = SECTION_ICON[section.recorded];
        const selected = i === cursor;
        return (
          <Text key={section.id} dimColor={!section.available}>
            <Text color="cyan">{selected ? '❯ ' : '  '}</Text>
            {section.available ? <Text color={icon.color}>{icon.icon}</Text> : <Text> </Text>}{' '}
            <Text bold={selected}>{section.title.padEnd(22)}</Text>
            {section.available ? (
              <Text dimColor>{`${icon.label} · ${section.stepIds.length} step${section.stepIds.length === 1 ? '' : 's'}`}</Text>
            ) : (
              <Text italic>{section.unavailable === undefined || section.unavailable === 'coming later' ? 'coming later' : 'needs hosts (lab or AWS)'}</Text>
            )}
          </Text>
        );
      })}
      <Box marginTop={1} flexDirection="column">
        <Text>
          next: <Text bold>{next ? next.title : 'nothing — every available section is done'}</Text>
        </Text>
        <Text dimColor>elapsed {formatDuration(elapsedMs)} this session</Text>
        {message ? <Text color="yellow">{message}</Text> : null}
      </Box>
      <KeyHints hints={[['↑/↓', 'move'], ['Enter', 'open section'], ['s', 'summary'], ['v', 'checklist']]} />
    </Box>
  );
}
