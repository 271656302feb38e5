import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { HostFacts } from '../../model/state.js';
import type { SqlDatabase } from '../../store/sql.js';
import { listTraces } from '../../store/traces.js';
import { summarise, type AllTracesQuery, type TraceSummary } from './summary.js';
import type { WorkerJob } from './worker.js';

// `conform --all` and `stats --all`: the single-trace query over every trace of a store, on worker
// threads, one per core, each with its own read connection. Traces are handed out one at a time to
// whichever worker is free, so a long trace does not hold up the short ones; the summaries come back
// in trace id order. A store of one trace, or a machine of one core, runs on this thread.

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));

export interface AllTracesOptions {
  /** Worker threads; default: one per core, at most one per trace. */
  threads?: number;
  /** A host profile's facts for conform, in place of each trace's own. */
  host?: HostFacts;
  /** After each trace: how many are done of how many. */
  onProgress?: (done: number, total: number) => void;
}

export async function summariseAll(
  db: SqlDatabase,
  path: string,
  query: AllTracesQuery,
  policyIds: readonly string[],
  options: AllTracesOptions = {},
): Promise<TraceSummary[]> {
  const traces = listTraces(db);
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), traces.length));
  if (threads === 1) {
    return traces.map((trace, i) => {
      const s = summarise(db, trace, query, policyIds, options.host);
      options.onProgress?.(i + 1, traces.length);
      return s;
    });
  }
  const results = new Map<number, TraceSummary>();
  const queue = traces.map((t) => t.id);
  const job: WorkerJob = { path, query, policyIds: [...policyIds], ...(options.host ? { host: options.host } : {}) };
  const workers = Array.from({ length: threads }, () => new Worker(WORKER, { workerData: job }));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const next = () => worker.postMessage(queue.shift() ?? null);
            worker.on('message', ({ id, summary }: { id: number; summary: TraceSummary }) => {
              results.set(id, summary);
              options.onProgress?.(results.size, traces.length);
              next();
            });
            worker.on('error', reject);
            worker.on('exit', () => resolve());
            next();
          }),
      ),
    );
  } finally {
    // One worker failing (the store unreadable, say) ends the others too.
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return traces.map((t) => results.get(t.id)!);
}
