import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

// Full replays read millions of rows; turning them into JSON pages (PAGE_SQL) is
// about half of a replay's time. A worker thread with its own read-only connection builds the pages ahead
// while the calling thread decodes and reduces, handing them over through a ring of slots in shared
// memory. The caller stays synchronous (readEvents is a generator that fold() pulls from): it blocks
// in Atomics.wait only when the worker is behind.

export const SLOTS = 8;
export const SLOT_BYTES = 1 << 19;

/** Int32 control words: [0] pages written, [1] pages taken, [2] 1 when the worker is done, [3] error. */
export const CONTROL_WORDS = 4;

export interface PrefetchJob {
  path: string;
  traceId: number;
  from: number;
  to: number;
  pageSize: number;
  control: SharedArrayBuffer;
  /** Per slot: byte length of its JSON text, or -1 when the page did not fit (the caller reads it). */
  lengths: SharedArrayBuffer;
  /** Per slot: first and last seq of its page. */
  bounds: SharedArrayBuffer;
  data: SharedArrayBuffer;
}

export interface Page {
  from: number;
  last: number;
  /** The page's JSON text, or undefined when the caller must read it itself. */
  json: string | undefined;
}

const WORKER = fileURLToPath(new URL('./page-prefetch-worker.js', import.meta.url));

/** Pages of [from, to] built by a worker, in order; close() (or return()) stops it. */
export function* prefetchPages(path: string, traceId: number, from: number, to: number, pageSize: number): Generator<Page> {
  const job: PrefetchJob = {
    path,
    traceId,
    from,
    to,
    pageSize,
    control: new SharedArrayBuffer(CONTROL_WORDS * 4),
    lengths: new SharedArrayBuffer(SLOTS * 4),
    bounds: new SharedArrayBuffer(SLOTS * 2 * 8),
    data: new SharedArrayBuffer(SLOTS * SLOT_BYTES),
  };
  const control = new Int32Array(job.control);
  const lengths = new Int32Array(job.lengths);
  const bounds = new Float64Array(job.bounds);
  const data = Buffer.from(job.data);
  const worker = new Worker(WORKER, { workerData: job });
  let failure: Error | undefined;
  worker.on('error', (error) => (failure = error));
  try {
    for (let taken = 0; ; taken++) {
      // Wait for page `taken`, or for the worker to finish without it.
      for (;;) {
        const written = Atomics.load(control, 0);
        if (written > taken) break;
        if (Atomics.load(control, 2) === 1) {
          if (Atomics.load(control, 0) > taken) break;
          if (Atomics.load(control, 3) !== 0 || failure) throw failure ?? new Error('event page reader failed');
          return;
        }
        Atomics.wait(control, 0, written, 1000);
      }
      const slot = taken % SLOTS;
      const length = Atomics.load(lengths, slot);
      const page: Page = {
        from: bounds[slot * 2]!,
        last: bounds[slot * 2 + 1]!,
        json: length < 0 ? undefined : data.toString('utf8', slot * SLOT_BYTES, slot * SLOT_BYTES + length),
      };
      Atomics.store(control, 1, taken + 1);
      Atomics.notify(control, 1);
      yield page;
    }
  } finally {
    void worker.terminate();
  }
}
