import type { ReactElement } from 'react';
import { Text } from 'ink';
import type { SectionSummary } from '../../app/controller.js';
import { stepsOfSection, type RunView } from '../../engine/reducer.js';
import { actionLabel, formatOutputs } from '../../render/format-units.js';
import { row, textRows } from '../frame/rows.js';
import { SECTION_ICON } from '../labels.js';

/** What this session created or adopted, per section: folded to one row per section, or every step with its ids. */
export function stepLogRows(sections: readonly SectionSummary[], view: RunView, width: number, open: boolean, sandbox: boolean): ReactElement[] {
  const rows: ReactElement[] = [];
  for (const section of sections.filter((s) => s.available)) {
    const icon = SECTION_ICON[section.recorded];
    const made = stepsOfSection(view, section.id).flatMap(({ stepId, status }) =>
      status.kind === 'done' && (status.action === 'create' || status.action === 'adopt') ? [{ stepId, title: status.plan?.title ?? stepId, action: status.action, outputs: status.outputs }] : [],
    );
    rows.push(
      row(
        `section:${section.id}`,
        <>
          <Text color={icon.color}>{icon.icon}</Text> <Text bold>{section.title}</Text>
          <Text dimColor>{`  ${icon.label}${made.length > 0 ? ` · ${made.length} created or adopted this session` : ''}`}</Text>
        </>,
      ),
    );
    if (!open) continue;
    for (const step of made) {
      rows.push(...textRows(`step:${step.stepId}`, `${step.title}  ${actionLabel(step.action)}  ${formatOutputs(step.outputs)}`, width, { indent: '    ', hang: '      ' }));
    }
    if (made.length === 0 && section.recorded !== 'not-started') {
      const where = sandbox ? '' : ' (`aws-runbook status` lists the ids)';
      rows.push(...textRows(`none:${section.id}`, `nothing created or adopted this session${where}`, width, { indent: '    ', dimColor: true }));
    }
  }
  return rows;
}
