import pLimit from 'p-limit';

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
 * completed, at most `concurrency` at a time. A worker returning 'stop' (or throwing) halts the
 * scheduling of new nodes; in-flight ones finish. Dependencies outside the graph are the caller's concern.
 */
export async function runDag(
  ids: readonly string[],
  depsOf: (id: string) => readonly string[],
  worker: (id: string) => Promise<'ok' | 'stop'>,
  options: { concurrency: number; signal?: AbortSignal },
): Promise<DagResult> {
  const inGraph = new Set(ids);
  const limit = pLimit(Math.max(1, options.concurrency));
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
        for (const id of ids) {
          if (started.has(id)) continue;
          const deps = depsOf(id).filter((dep) => inGraph.has(dep));
          if (!deps.every((dep) => completed.has(dep))) continue;
          started.add(id);
          inFlight += 1;
          void limit(async () => {
            if (halted || options.signal?.aborted) return 'skip' as const;
            return worker(id);
          })
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
