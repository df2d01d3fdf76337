import { useEffect, useState, type ReactElement } from 'react';
import { Box } from 'ink';
import type { RunbookController } from '../app/controller.js';
import type { RunView } from '../engine/reducer.js';
import type { CheckState } from '../engine/checklist-view.js';
import { formatDuration } from '../render/format-units.js';
import { CHECK_GROUP_TITLES, CHECK_GROUPS } from '../tasks/checks/types.js';
import { Frame } from './frame/Frame.js';
import { ScrollView } from './frame/ScrollView.js';
import { textRows } from './frame/rows.js';
import { useCursor } from './frame/use-cursor.js';
import { checkRows, evidenceRows } from './components/check-rows.js';
import { rehearsalHint } from './rehearsal-hints.js';
import { useNow } from './use-now.js';

export interface ChecklistProps {
  controller: RunbookController;
  view: RunView;
  onBack: () => void;
  backLabel?: string;
  quitLabel?: string;
}

function counts(states: readonly CheckState[]) {
  const finished = states.flatMap((s) => (s.kind === 'finished' ? [s.outcome] : []));
  const by = (status: string) => finished.filter((o) => o.status === status).length;
  return { finished: finished.length, pass: by('pass'), fail: by('fail'), warn: by('warn'), skip: by('skip') };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The verification checklist: grouped, live as checks finish; ↑/↓ select (the view follows), Enter shows the
 * selected check's evidence under it (e: all of it), r reruns it, a reruns all, b (Esc) goes back, stopping
 * the checks still running. Starts a run when none has run yet.
 */
export function Checklist({ controller, view, onBack, backLabel = 'back', quitLabel }: ChecklistProps) {
  const list = view.checklist;
  const [open, setOpen] = useState(false);
  const [zoom, setZoom] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const now = useNow(list.running, 250);
  const hint = controller.info.sandbox ? rehearsalHint : (text: string) => text;

  const start = (ids?: string[]) => {
    setError(undefined);
    controller.verify(ids ? { ids } : {}).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  useEffect(() => {
    if (list.order.length === 0 && !list.running) start();
  }, []);

  const ordered = CHECK_GROUPS.flatMap((group) => list.order.filter((id) => list.checks[id]?.meta.group === group));
  const cursor = useCursor(ordered.length);
  const selectedId = ordered[cursor.index];
  const selected = selectedId ? list.checks[selectedId] : undefined;
  const states = ordered.flatMap((id) => (list.checks[id] ? [list.checks[id]] : []));
  const c = counts(states);
  const elapsed = list.startedAt ? (list.running ? now : (list.finishedAt ?? now)) - list.startedAt : 0;
  const verdict = list.running ? `checking… ${c.finished}/${states.length}` : `${c.pass} passed, ${c.fail} failed, ${plural(c.warn, 'warning')}, ${c.skip} skipped`;

  return (
    <Frame
      info={controller.info}
      identity={view.identity}
      title="Checklist"
      status={`${verdict} · ${formatDuration(elapsed)}`}
      hints={zoom ? [['↑/↓', 'scroll'], ['e/Esc', 'back to the list']] : [['↑/↓', 'select'], ['Enter', 'evidence'], ...(list.running ? ([['b', `stop, ${backLabel}`]] as const) : ([['r', 'rerun this'], ['a', 'rerun all'], ['b', backLabel]] as const))]}
      moreKeys={zoom ? [] : [['e', "the selected check's evidence, all of it"], ['PgUp/PgDn', 'a page of checks']]}
      {...(quitLabel ? { quit: quitLabel } : {})}
      onKey={(input, key) => {
        if (zoom) {
          if (input === 'e' || input === 'b' || key.escape) setZoom(false);
          return;
        }
        if (key.return && selectedId) setOpen((o) => !o);
        else if (input === 'e' && selected) setZoom(true);
        else if (input === 'b' || key.escape) {
          // Leaving while checks run stops them: the unfinished ones show as skipped ("verify was stopped").
          if (list.running) controller.stopVerify();
          onBack();
        } else if (cursor.handle(key, 10)) return;
        else if (list.running) return;
        else if (input === 'r' && selectedId) start([selectedId]);
        else if (input === 'a') start();
      }}
    >
      {({ width, height, active }) => {
        if (zoom && selected) return <ScrollView rows={[...checkRows(selected, true, false, width, 0, hint).slice(0, 1), ...evidenceRows(selected, width, hint)]} height={height} active={active} />;
        const footer: ReactElement[] = [
          ...textRows('verdict', `${verdict}  ${formatDuration(elapsed)}${!list.running && list.ok !== undefined ? (list.ok ? '  every required check holds' : '  required checks failed') : ''}`, width, {
            ...(!list.running && list.ok !== undefined ? { color: list.ok ? 'green' : 'red' } : {}),
          }),
          ...(error ? textRows('error', `verify could not run: ${error}`, width, { color: 'red' }) : []),
        ];
        const listHeight = Math.max(3, height - footer.length);
        const rows: ReactElement[] = [];
        let follow = { from: 0, to: 0 };
        for (const group of CHECK_GROUPS) {
          const ids = ordered.filter((id) => list.checks[id]?.meta.group === group);
          if (ids.length === 0) continue;
          rows.push(textRows(`group:${group}`, CHECK_GROUP_TITLES[group], width, { bold: true })[0]!);
          for (const [i, id] of ids.entries()) {
            const state = list.checks[id];
            if (!state) continue;
            const from = rows.length;
            rows.push(...checkRows(state, id === selectedId, open && id === selectedId, width, Math.max(2, listHeight - 3), hint));
            // The first check of a group keeps its group's title in view with it.
            if (id === selectedId) follow = { from: i === 0 ? from - 1 : from, to: rows.length };
          }
        }
        return (
          <Box flexDirection="column">
            <ScrollView rows={rows} height={listHeight} active={active} follow={follow} />
            {footer}
          </Box>
        );
      }}
    </Frame>
  );
}
