import { useState } from 'react';
import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import type { RunbookController } from '../app/controller.js';
import type { Identity, SectionId } from '../engine/types.js';
import { formatDuration, formatTypical, formatUsd } from '../render/format-units.js';
import { Frame } from './frame/Frame.js';
import { textRows } from './frame/rows.js';
import { Pointer, SectionItem, type SectionItemProps } from './components/SectionItem.js';
import { nextSection } from './labels.js';

export interface OverviewProps {
  controller: RunbookController;
  /** Time spent applying in this session. */
  elapsedMs: number;
  onOpen: (section: SectionId) => void;
  onSummary: () => void;
  /** The verification checklist (v). */
  onChecklist: () => void;
  /** The topology (m). */
  onMap?: () => void;
  identity?: Identity;
  /** Said under the list: where a stopped run stopped, what a teardown or a dump did. */
  notice?: string;
  /** What q does here. */
  quitLabel?: string;
}

/** The sections with what the state says of each, their cost a month and time on AWS; ↑/↓ + Enter (or 1–8) open one. */
export function Overview({ controller, elapsedMs, onOpen, onSummary, onChecklist, onMap, identity, notice, quitLabel = 'quit' }: OverviewProps) {
  const [sections] = useState(() => controller.sections());
  const [estimate] = useState(() => controller.estimate?.());
  const next = nextSection(sections);
  const [message, setMessage] = useState<string | undefined>();
  const available = sections.filter((s) => s.available);
  const done = available.filter((s) => s.recorded === 'done').length;

  const open = (id: SectionId) => {
    const chosen = sections.find((s) => s.id === id);
    if (!chosen) return;
    if (chosen.available) onOpen(chosen.id);
    else if (chosen.unavailable && chosen.unavailable !== 'coming later') setMessage(`${chosen.title} cannot run here: ${chosen.unavailable}.`);
    else setMessage(`${chosen.title} is coming later: this version has no steps for it yet.`);
  };
  const items = sections.map((section) => ({ key: section.id, value: section.id, label: section.title, section, estimate: estimate?.sections[section.id] }));
  const total = estimate?.total;

  return (
    <Frame
      info={controller.info}
      identity={identity}
      title="Overview"
      status={`${done}/${available.length} sections done`}
      hints={[['Enter', 'open'], ['s', 'summary'], ['v', 'checklist'], ...(onMap ? ([['m', 'map']] as const) : [])]}
      moreKeys={[['↑/↓', 'move'], ['1–8', 'open that section at once']]}
      quit={quitLabel}
      onKey={(input) => {
        if (input === 's') onSummary();
        else if (input === 'v') onChecklist();
        else if (input === 'm') onMap?.();
      }}
    >
      {({ width, height, active }) => {
        const below = [
          ...(total ? textRows('total', `Once built: ${total.monthlyUsd === undefined ? 'no priced resource' : `≈${formatUsd(total.monthlyUsd)} a month`} (usage-based charges not included); about ${formatTypical(total.seconds).replace('≈', '')} on AWS for everything, the long waits overlapping.`, width, { dimColor: true }) : []),
          ...textRows('next', `next: ${next ? next.title : 'nothing — every available section is done'}  ·  elapsed ${formatDuration(elapsedMs)} this session`, width),
          ...(notice ? textRows('notice', notice, width, { color: 'yellow' }) : []),
          ...(message ? textRows('message', message, width, { color: 'yellow' }) : []),
        ];
        const room = Math.max(3, height - below.length - 1);
        return (
          <Box flexDirection="column">
            <SelectInput<SectionId>
              items={items}
              isFocused={active}
              initialIndex={Math.max(0, next ? sections.indexOf(next) : 0)}
              {...(room < items.length ? { limit: room } : {})}
              indicatorComponent={Pointer}
              itemComponent={SectionItem as (props: SectionItemProps) => React.JSX.Element}
              onHighlight={() => setMessage(undefined)}
              onSelect={(item) => open(item.value)}
            />
            <Text> </Text>
            {below}
          </Box>
        );
      }}
    </Frame>
  );
}
