import { parentPort, workerData } from 'node:worker_threads';
import type { HostFacts } from '../../model/state.js';
import { openStore } from '../../store/open.js';
import { findTrace } from '../../store/traces.js';
import { summarise, type AllTracesQuery } from './summary.js';

// The worker side of run.ts: opens the store for reading on its own connection, then summarises each
// trace id it is sent, one at a time, until it is sent null.

export interface WorkerJob {
  path: string;
  query: AllTracesQuery;
  policyIds: string[];
  host?: HostFacts;
}

const job = workerData as WorkerJob;
const db = openStore(job.path, { mode: 'read', notice: () => {} });
parentPort!.on('message', (id: number | null) => {
  if (id === null) {
    db.close();
    parentPort!.close();
    return;
  }
  const trace = findTrace(db, `#${id}`);
  parentPort!.postMessage(
    trace
      ? { id, summary: summarise(db, trace, job.query, job.policyIds, job.host) }
      : { id, summary: { query: job.query, trace: `#${id}`, error: 'removed meanwhile' } },
  );
});
