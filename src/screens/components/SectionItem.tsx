import { Text } from 'ink';
import type { SectionSummary, Estimate } from '../../app/controller.js';
import { formatTypical, formatUsd } from '../../render/format-units.js';
import { SECTION_ICON } from '../labels.js';

/** A section as the Overview's list item (ink-select-input passes the item's fields and isSelected). */
export interface SectionItemProps {
  isSelected?: boolean;
  label: string;
  section?: SectionSummary;
  estimate?: Estimate;
}

/** The cost a month once built, or — when nothing in it is priced. */
export function costLabel(estimate: Estimate | undefined): string {
  return estimate?.monthlyUsd === undefined ? '—' : `${formatUsd(estimate.monthlyUsd)}/mo`;
}

/** One row: icon, title, what the state says, steps, cost a month, time on AWS. */
export function SectionItem({ isSelected = false, label, section, estimate }: SectionItemProps) {
  if (!section) return <Text>{label}</Text>;
  const icon = SECTION_ICON[section.recorded];
  const steps = `${section.stepIds.length} step${section.stepIds.length === 1 ? '' : 's'}`;
  return (
    <Text wrap="truncate-end" dimColor={!section.available}>
      {section.available ? <Text color={icon.color}>{icon.icon}</Text> : ' '} <Text bold={isSelected}>{section.title.padEnd(16)}</Text>
      {section.available ? (
        <Text dimColor>{`${`${icon.label} · ${steps}`.padEnd(23)}`}</Text>
      ) : (
        <Text italic>{(section.unavailable === undefined || section.unavailable === 'coming later' ? 'coming later' : 'needs hosts (lab or AWS)').padEnd(23)}</Text>
      )}
      {section.available ? <Text color="yellow">{costLabel(estimate).padStart(11)}</Text> : null}
      {section.available ? <Text dimColor>{`  ${estimate ? formatTypical(estimate.seconds) : ''}`}</Text> : null}
    </Text>
  );
}

/** The selection mark of the Overview's list. */
export function Pointer({ isSelected = false }: { isSelected?: boolean }) {
  return <Text color="cyan">{isSelected ? '❯ ' : '  '}</Text>;
}
