import { useState } from 'react';
import type { BackupSummary, RunbookController } from '../app/controller.js';

export type DumpState = { kind: 'idle' } | { kind: 'running'; since: number } | { kind: 'done'; summary: BackupSummary } | { kind: 'error'; message: string };

/** "Dump now" on the Summary: the on-demand backup of the application databases, once at a time. */
export function useDump(controller: RunbookController) {
  const [state, setState] = useState<DumpState>({ kind: 'idle' });
  const start = () => {
    if (!controller.backupNow || state.kind === 'running') return;
    setState({ kind: 'running', since: Date.now() });
    controller.backupNow().then(
      (summary) => setState({ kind: 'done', summary }),
      (error: unknown) => setState({ kind: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  };
  return { state, start };
}
