import type { ReactElement } from 'react';
import { Text } from 'ink';
import type { RunbookEstimate, SectionSummary } from '../../app/controller.js';
import { formatTypical, formatUsd } from '../../render/format-units.js';
import { textRows } from '../frame/rows.js';
import { costLabel } from './SectionItem.js';

const CELL = 38;

/**
 * What the runbook costs a month once built and how long it takes on AWS: the total, then per section
 * (two columns when the terminal is wide enough), as rows for a scrolling body.
 */
export function estimateRows(estimate: RunbookEstimate, sections: readonly SectionSummary[], width: number): ReactElement[] {
  const { total } = estimate;
  const money = total.monthlyUsd === undefined ? 'no priced resource' : `≈${formatUsd(total.monthlyUsd)} a month`;
  const head = textRows('estimate', `The runbook once built: ${money}, about ${formatTypical(total.seconds).replace('≈', '')} on AWS (per section below; usage-based charges not included).`, width, { bold: true });
  const cells = sections.map((section) => {
    const e = estimate.sections[section.id];
    return `${section.title.padEnd(16)}${costLabel(e).padStart(11)}  ${e ? formatTypical(e.seconds) : ''}`.padEnd(CELL);
  });
  const perRow = width >= CELL * 2 + 2 ? 2 : 1;
  const rows: ReactElement[] = [];
  for (let i = 0; i < cells.length; i += perRow) {
    rows.push(
      <Text key={`cell:${i}`} wrap="truncate-end">
        {`  ${cells.slice(i, i + perRow).join('')}`}
      </Text>,
    );
  }
  return [...head, ...rows];
}
