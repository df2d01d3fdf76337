import PQueue from 'p-queue';

export interface DagResult {
  /** Nodes whose worker finished with 'ok'. */
  completed: Set<string>;
  /** Nodes whose worker finished with 'stop' or threw. */
  stopped: Set<string>;
  /** Nodes never started (a dependency stopped, or the run was halted/aborted). */
  notStarted: string[];
}

/**
 * Runs `worker` over a dependency graph: a node starts once every dependency inside the graph has
 * completed, at most `concurrency` at a time; of the nodes ready, the one with the highest `priority` gets
 * the next free slot (ties: `ids` order). A worker returning 'stop' (or throwing) halts the scheduling of
 * new nodes; in-flight ones finish. Dependencies outside the graph are the caller's concern.
 */
export async function runDag(
  ids: readonly string[],
  depsOf: (id: string) => readonly string[],
  worker: (id: string) => Promise<'ok' | 'stop'>,
  options: { concurrency: number; signal?: AbortSignal; priority?: (id: string) => number },
): Promise<DagResult> {
  const inGraph = new Set(ids);
  const queue = new PQueue({ concurrency: Math.max(1, options.concurrency) });
  const completed = new Set<string>();
  const stopped = new Set<string>();
  const started = new Set<string>();
  let halted = false;

  return new Promise<DagResult>((resolve) => {
    let inFlight = 0;
    const finish = () => {
      resolve({ completed, stopped, notStarted: ids.filter((id) => !started.has(id)) });
    };
    const schedule = () => {
      if (options.signal?.aborted) halted = true;
      if (!halted) {
        const ready = ids.filter((id) => !started.has(id) && depsOf(id).every((dep) => !inGraph.has(dep) || completed.has(dep)));
        // Highest priority first, also among the nodes that get a free slot right away (sort is stable).
        if (options.priority) ready.sort((a, b) => (options.priority?.(b) ?? 0) - (options.priority?.(a) ?? 0));
        for (const id of ready) {
          started.add(id);
          inFlight += 1;
          void queue
            .add(
              async () => {
                if (halted || options.signal?.aborted) return 'skip' as const;
                return worker(id);
              },
              { priority: options.priority?.(id) ?? 0 },
            )
            .then(
              (result) => {
                if (result === 'ok') completed.add(id);
                else if (result === 'skip') started.delete(id);
                else {
                  stopped.add(id);
                  halted = true;
                }
              },
              () => {
                stopped.add(id);
                halted = true;
              },
            )
            .finally(() => {
              inFlight -= 1;
              schedule();
            });
        }
      }
      if (inFlight === 0) finish();
    };
    schedule();
  });
}
