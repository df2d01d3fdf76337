import type { ReactElement } from 'react';
import type { ResumeInfo } from '../../app/controller.js';
import { formatErrorLine } from '../../render/format-units.js';
import { textRows } from '../frame/rows.js';

/** An earlier run that did not finish: what, where, why, the fix, and what resuming does (rows, marked │). */
export function resumeRows(resume: ResumeInfo, width: number, options: { sandbox?: boolean } = {}): ReactElement[] {
  const what = resume.outcome === 'failed' ? 'failed' : 'was interrupted';
  const bar = { indent: '│ ', hang: '│ ' };
  return [
    ...textRows('resume', `The last \`${resume.command}\` (started ${resume.startedAt}) ${what}.`, width, { ...bar, color: 'yellow', bold: true }),
    ...(resume.stepId ? textRows('where', `where: ${resume.stepTitle ?? resume.stepId}`, width, bar) : []),
    ...(resume.error ? textRows('why', `why:   ${formatErrorLine(resume.error)}`, width, { indent: '│ ', hang: '│        ' }) : []),
    ...(resume.error ? textRows('hint', `hint:  ${resume.error.hint}`, width, { indent: '│ ', hang: '│        ', color: 'yellow' }) : []),
    ...(resume.pendingOperation ? textRows('pending', `pending operation: ${resume.pendingOperation}`, width, bar) : []),
    ...textRows(
      'how',
      resume.command === 'up'
        ? 'Resuming checks what exists first: nothing is created twice.'
        : options.sandbox
          ? 'Finish the teardown from the Summary (tear down).'
          : 'Finish the teardown with `aws-runbook down`.',
      width,
      { ...bar, dimColor: true },
    ),
  ];
}
