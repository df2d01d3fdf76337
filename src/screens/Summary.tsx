import { useState, type ReactElement } from 'react';
import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import type { RunbookController } from '../app/controller.js';
import type { RunView } from '../engine/reducer.js';
import { formatDuration, formatUsd } from '../render/format-units.js';
import { Frame } from './frame/Frame.js';
import type { Hint } from './frame/hints.js';
import { ScrollView } from './frame/ScrollView.js';
import { blankRow, row, textRows } from './frame/rows.js';
import { accessRows, credentialRows } from './components/access-rows.js';
import { stepLogRows } from './components/step-log-rows.js';
import { Pointer } from './components/SectionItem.js';
import { useCredentials } from './use-credentials.js';
import { useDump, type DumpState } from './use-dump.js';

export type SummaryAction = 'checklist' | 'dump' | 'teardown' | 'overview';

export interface SummaryProps {
  controller: RunbookController;
  view: RunView;
  elapsedMs: number;
  /** The guided assistant has an Overview to go back to; `up` has not. */
  onOverview?: () => void;
  /** The verification checklist (v). */
  onChecklist: () => void;
  /** The topology (m). */
  onMap?: () => void;
  /** `--sandbox`: remove everything the rehearsal built (asks first). */
  onTearDown?: () => void;
  /** The app hides the admin passwords before it exits (Ink leaves its last frame). */
  onSecretShown?: (shown: boolean) => void;
  hideSecrets?: boolean;
  quitLabel?: string;
}

/** What the operator needs first (URLs, SSH commands, admin accounts on g, the monthly cost), what to do next, and the step log folded (l). */
export function Summary({ controller, view, elapsedMs, onOverview, onChecklist, onMap, onTearDown, onSecretShown, hideSecrets, quitLabel }: SummaryProps) {
  const { info } = controller;
  const [sections] = useState(() => controller.sections());
  const [access] = useState(() => controller.hostAccess?.());
  const [estimate] = useState(() => controller.estimate?.());
  const [logOpen, setLogOpen] = useState(false);
  const hostsDone = sections.some((s) => s.id === 'hosts' && s.recorded === 'done');
  const backupDone = sections.some((s) => s.id === 'backup' && s.recorded === 'done');
  const credentials = useCredentials(hostsDone && controller.revealCredentials ? () => controller.revealCredentials!() : undefined, onSecretShown, hideSecrets);
  const dump = useDump(controller);
  const built = sections.filter((s) => s.recorded === 'done').map((s) => estimate?.sections[s.id]?.monthlyUsd ?? 0);
  const monthly = built.reduce((sum, usd) => sum + usd, 0);

  const actions: { key: string; label: string; value: SummaryAction }[] = [
    { key: 'checklist', label: 'the checklist: does everything hold?', value: 'checklist' },
    ...(info.sandbox && backupDone && controller.backupNow ? [{ key: 'dump', label: 'dump the databases now (into the backup bucket)', value: 'dump' as const }] : []),
    ...(info.sandbox && onTearDown ? [{ key: 'teardown', label: 'tear the rehearsal down (everything it built, last created first)', value: 'teardown' as const }] : []),
    ...(onOverview ? [{ key: 'overview', label: 'the overview', value: 'overview' as const }] : []),
  ];
  const act = (action: SummaryAction) => {
    if (action === 'checklist') onChecklist();
    else if (action === 'dump') dump.start();
    else if (action === 'teardown') onTearDown?.();
    else onOverview?.();
  };
  const hints: Hint[] = [['Enter', 'do'], ['v', 'checklist'], ...(hostsDone && access ? ([['g', 'passwords']] as const) : []), ['l', logOpen ? 'fold the log' : 'step log']];

  return (
    <Frame
      info={info}
      identity={view.identity}
      title="Summary"
      status={monthly > 0 ? `≈${formatUsd(monthly)}/month` : undefined}
      hints={hints}
      moreKeys={[['↑/↓', 'choose what to do next'], ...(onMap ? ([['m', 'the map of the topology']] as const) : []), ...(onOverview ? ([['o', 'overview']] as const) : [])]}
      {...(quitLabel ? { quit: quitLabel } : {})}
      onKey={(input) => {
        if (input === 'o') onOverview?.();
        else if (input === 'v') onChecklist();
        else if (input === 'm') onMap?.();
        else if (input === 'g') credentials.toggle();
        else if (input === 'l') setLogOpen((open) => !open);
      }}
    >
      {({ width, height, active }) => {
        const hostRows = access ? accessRows(access, width, Boolean(info.simulatedHosts)) : textRows('no-hosts', 'No host yet: the URLs and SSH commands show here once the compute section has run.', width, { dimColor: true });
        const accounts = access ? credentialRows(credentials.state, width, hostsDone) : [];
        // g brings the admin accounts into view (below the fold on a small terminal).
        const reveal = { from: hostRows.length, to: hostRows.length + accounts.length, key: credentials.state.kind };
        const rows: ReactElement[] = [
          ...hostRows,
          ...accounts,
          blankRow('gap'),
          ...textRows('cost', `${monthly > 0 ? `What is built costs ≈${formatUsd(monthly)} a month (usage-based charges not included). ` : ''}total elapsed ${formatDuration(elapsedMs)}`, width),
          ...(info.sandbox ? [] : textRows('cli', 'From a shell: `aws-runbook status` (what the state file records, per step), `aws-runbook backup` (dump the databases now), `aws-runbook down` (tear everything down, asks for the project name).', width, { dimColor: true })),
          blankRow('gap2'),
          ...stepLogRows(sections, view, width, logOpen, info.sandbox),
        ];
        const said = dumpRows(dump.state, width);
        const menu = actions.length + said.length + 1;
        return (
          <Box flexDirection="column">
            <ScrollView rows={rows} height={Math.max(2, height - menu)} active={active} arrows={false} reveal={reveal} />
            <Text bold>Next</Text>
            <SelectInput items={actions} isFocused={active} indicatorComponent={Pointer} onSelect={(item) => act(item.value)} />
            {said}
          </Box>
        );
      }}
    </Frame>
  );
}

function dumpRows(state: DumpState, width: number): ReactElement[] {
  if (state.kind === 'idle') return [];
  if (state.kind === 'running') return [row('dump', <Text color="cyan">dumping the databases (mariadb-dump | gzip on the shop host, streamed to S3)…</Text>)];
  if (state.kind === 'error') return textRows('dump', `✗ the dump failed: ${state.message}`, width, { color: 'red' });
  const done = state.summary.dumped.map((d) => `${d.database} → ${d.url} (${d.bytes} bytes)`).join('; ');
  const failed = state.summary.failures.length > 0 ? `; failed: ${state.summary.failures.join('; ')}` : '';
  return textRows('dump', `✓ dumped ${done || 'nothing (no application database yet)'}${failed}`, width, { color: state.summary.failures.length > 0 ? 'yellow' : 'green' });
}
