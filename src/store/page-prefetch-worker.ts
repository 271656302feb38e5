import Database from 'better-sqlite3';
import { workerData } from 'node:worker_threads';
import { PAGE_SQL } from './event-codec.js';
import { SLOT_BYTES, SLOTS, type PrefetchJob } from './page-prefetch.js';

// The worker side of page-prefetch.ts: builds the JSON pages of one seq range, in order, into the
// shared ring, waiting while every slot is full. It never writes to the database.

const job = workerData as PrefetchJob;
const control = new Int32Array(job.control);
const lengths = new Int32Array(job.lengths);
const bounds = new Float64Array(job.bounds);
const data = Buffer.from(job.data);

const db = new Database(job.path, { readonly: true, fileMustExist: true });
try {
  const page = db.prepare(PAGE_SQL).pluck();
  let written = 0;
  for (let from = job.from; from <= job.to; from += job.pageSize) {
    const last = Math.min(job.to, from + job.pageSize - 1);
    for (;;) {
      const taken = Atomics.load(control, 1);
      if (written - taken < SLOTS) break;
      Atomics.wait(control, 1, taken, 1000);
    }
    const json = (page.get({ trace: job.traceId, from, last }) as string | null) ?? '[]';
    const slot = written % SLOTS;
    const bytes = Buffer.byteLength(json);
    if (bytes <= SLOT_BYTES) data.write(json, slot * SLOT_BYTES, 'utf8');
    lengths[slot] = bytes <= SLOT_BYTES ? bytes : -1;
    bounds[slot * 2] = from;
    bounds[slot * 2 + 1] = last;
    written++;
    Atomics.store(control, 0, written);
    Atomics.notify(control, 0);
  }
} catch (error) {
  Atomics.store(control, 3, 1);
  throw error;
} finally {
  db.close();
  Atomics.store(control, 2, 1);
  Atomics.notify(control, 0);
}
