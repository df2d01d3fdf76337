import { useEffect, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { RunbookController } from '../engine/controller.js';
import type { RunView } from '../engine/reducer.js';
import type { CheckState } from '../engine/checklist-view.js';
import { formatDuration } from '../render/format-units.js';
import { CHECK_GROUP_TITLES, CHECK_GROUPS } from '../tasks/checks/types.js';
import { Header } from './components/Header.js';
import { KeyHints } from './components/KeyHints.js';
import { CheckLine } from './components/CheckLine.js';

export interface ChecklistProps {
  controller: RunbookController;
  view: RunView;
  onBack: () => void;
  backLabel?: string;
}

function counts(states: readonly CheckState[]) {
  const finished = states.flatMap((s) => (s.kind === 'finished' ? [s.outcome] : []));
  const by = (status: string) => finished.filter((o) => o.status === status).length;
  return { finished: finished.length, pass: by('pass'), fail: by('fail'), warn: by('warn'), skip: by('skip') };
}

/**
 * The verification checklist (DESIGN.md §7): grouped, live as checks finish; ↑/↓ select, Enter shows
 * a check's evidence, r reruns the selected check, a reruns them all, b (Esc) goes back, stopping the
 * checks still running. Starts a run when none has run yet.
 */
export function Checklist({ controller, view, onBack, backLabel = 'back' }: ChecklistProps) {
  const list = view.checklist;
  const [cursor, setCursor] = useState(0);
  const [open, setOpen] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [now, setNow] = useState(() => Date.now());

  const start = (ids?: string[]) => {
    setError(undefined);
    controller.verify(ids ? { ids } : {}).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  useEffect(() => {
    if (list.order.length === 0 && !list.running) start();
  }, []);
  useEffect(() => {
    if (!list.running) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [list.running]);

  const ordered = CHECK_GROUPS.flatMap((group) => list.order.filter((id) => list.checks[id]?.meta.group === group));
  const selectedId = ordered[Math.min(cursor, Math.max(0, ordered.length - 1))];

  useInput((input, key) => {
    if (key.upArrow) setCursor((c) => Math.max(0, c - 1));
    else if (key.downArrow) setCursor((c) => Math.min(ordered.length - 1, c + 1));
    else if (key.return && selectedId) setOpen((o) => (o === selectedId ? undefined : selectedId));
    else if (input === 'b' || key.escape) {
      // Leaving while checks run stops them: the unfinished ones show as skipped ("verify was stopped").
      if (list.running) controller.stopVerify();
      onBack();
    } else if (list.running) return;
    else if (input === 'r' && selectedId) start([selectedId]);
    else if (input === 'a') start();
  });

  const states = ordered.flatMap((id) => (list.checks[id] ? [list.checks[id]] : []));
  const c = counts(states);
  const elapsed = list.startedAt ? (list.running ? now : (list.finishedAt ?? now)) - list.startedAt : 0;
  return (
    <Box flexDirection="column">
      <Header info={controller.info} title="Checklist" identity={view.identity} />
      {CHECK_GROUPS.map((group) => {
        const ids = ordered.filter((id) => list.checks[id]?.meta.group === group);
        if (ids.length === 0) return null;
        return (
          <Box key={group} flexDirection="column">
            <Text bold>{CHECK_GROUP_TITLES[group]}</Text>
            {ids.map((id) => {
              const state = list.checks[id];
              return state ? <CheckLine key={id} state={state} selected={id === selectedId} open={id === open} /> : null;
            })}
          </Box>
        );
      })}
      <Box marginTop={1} flexDirection="column">
        <Text>
          {list.running ? `checking… ${c.finished}/${states.length}` : `${c.pass} passed, ${c.fail} failed, ${c.warn} warnings, ${c.skip} skipped`}
          <Text dimColor>{`  ${formatDuration(elapsed)}`}</Text>
          {!list.running && list.ok !== undefined ? (
            <Text color={list.ok ? 'green' : 'red'}>{list.ok ? '  every required check holds' : '  required checks failed'}</Text>
          ) : null}
        </Text>
        {error ? <Text color="red">{`verify could not run: ${error}`}</Text> : null}
      </Box>
      <KeyHints
        hints={[['↑/↓', 'select'], ['Enter', 'evidence'], ...(list.running ? ([['b', `stop, ${backLabel}`]] as const) : ([['r', 'rerun this'], ['a', 'rerun all'], ['b', backLabel]] as const))]}
      />
    </Box>
  );
}
