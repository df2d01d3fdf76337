import { formatMap } from '../../render/format-map.js';
import { loadTopology } from '../../tasks/topology/load.js';
import { EXIT } from '../exit-codes.js';
import { openSession } from '../open-session.js';
import type { CommandIO } from '../io.js';
import type { GlobalOptions } from '../target.js';

export interface MapOptions {
  json?: boolean;
  offline?: boolean;
}

/**
 * `map`: the topology drawn in the terminal (80 columns, or the terminal's width): the VPCs, subnets and
 * hosts with their addresses, the gateways, the peerings and the ping matrix. Live from AWS when it
 * answers (what exists against what is planned), from the config and the state file with `--offline`.
 * Read-only: no lock, no change.
 */
export async function mapCommand(global: GlobalOptions, options: MapOptions, io: CommandIO): Promise<number> {
  const session = await openSession(global, io, 'map', 'read', undefined, { offline: Boolean(options.offline) });
  try {
    const steps = session.state?.steps ?? {};
    const view = await loadTopology({
      config: session.config,
      aws: session.aws,
      project: session.info.project,
      recorded: { status: (id) => steps[id]?.status, outputsOf: (id) => steps[id]?.outputs },
      offline: Boolean(options.offline),
    });
    if (options.json) {
      io.out(JSON.stringify(view, null, 2));
      return EXIT.ok;
    }
    for (const line of formatMap(view, { width: io.columns ?? 80, color: io.color })) io.out(line);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}
