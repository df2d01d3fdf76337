import { useCallback, useEffect, useState } from 'react';
import { Text } from 'ink';
import type { RunbookController } from '../app/controller.js';
import type { Identity } from '../engine/types.js';
import { formatMap } from '../render/format-map.js';
import type { TopologyView } from '../tasks/topology/view.js';
import { Frame } from './frame/Frame.js';
import { ScrollView } from './frame/ScrollView.js';
import { row, textRows } from './frame/rows.js';

type Loaded = { kind: 'loading' } | { kind: 'shown'; view: TopologyView } | { kind: 'error'; message: string };

export interface TopologyMapProps {
  controller: RunbookController;
  identity?: Identity;
  onBack: () => void;
  /** Where b/Esc goes (the Overview or the Summary). */
  backLabel: string;
  quitLabel?: string;
}

/**
 * The topology as a picture (`m` on the Overview and the Summary; `aws-runbook map` prints the same
 * lines): the VPCs with their subnets and CIDRs, the hosts and their addresses, the gateways, the
 * peerings and the ping matrix, read live from AWS when it answers (what exists against what is planned),
 * from the config and the state otherwise. Drawn at the terminal's width; the body scrolls; r reads again.
 */
export function TopologyMap({ controller, identity, onBack, backLabel, quitLabel = 'quit' }: TopologyMapProps) {
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const read = useCallback(() => {
    const topology = controller.topology?.();
    if (!topology) return setLoaded({ kind: 'error', message: 'this session cannot draw the topology' });
    setLoaded({ kind: 'loading' });
    topology.then(
      (view) => setLoaded({ kind: 'shown', view }),
      (error: unknown) => setLoaded({ kind: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  }, [controller]);
  useEffect(read, [read]);

  const status = loaded.kind === 'shown' ? (loaded.view.source === 'live' ? 'live from AWS' : 'from the config and the state') : loaded.kind === 'loading' ? 'reading…' : 'not drawn';
  return (
    <Frame
      info={controller.info}
      identity={identity}
      title="Map"
      status={status}
      hints={[['r', 'read again'], ['b/Esc', backLabel]]}
      moreKeys={[['↑/↓ PgUp/PgDn', 'scroll']]}
      quit={quitLabel}
      onKey={(input, key) => {
        if (input === 'b' || key.escape) onBack();
        else if (input === 'r' && loaded.kind !== 'loading') read();
      }}
    >
      {({ width, height, active }) => {
        if (loaded.kind === 'loading') return <Text dimColor>reading the network from AWS…</Text>;
        if (loaded.kind === 'error') return <>{textRows('error', `The map could not be drawn: ${loaded.message}`, width, { color: 'red' })}</>;
        // The same lines `aws-runbook map` prints, at this terminal's width; colours are the screen's own (none here).
        const lines = formatMap(loaded.view, { width: Math.max(40, width - 1) });
        return <ScrollView rows={lines.map((line, i) => row(`map:${i}`, line || ' '))} height={height} active={active} />;
      }}
    </Frame>
  );
}
