import { parentPort, workerData } from 'node:worker_threads';
import { HvreplayError, SourceError } from '../../errors.js';
import type { ImportProblem } from '../stats.js';
import { ImportStats } from '../stats.js';
import { eventBatches } from '../parse-source.js';
import { onSourceProgress, openSource, type SourceProgress } from '../source.js';
import { BatchPacker } from './batch.js';
import type { ParseJob, FromParser } from './messages.js';

// The parsing thread of an import (client.ts): reads the source, parses it, checks each event against
// the vocabulary and encodes it, and hands the writing thread packed batches, at most IN_FLIGHT ahead
// of what it has stored. It never opens the store.

const job = workerData as ParseJob;
const port = parentPort!;
let credit = job.inFlight;
let wake: (() => void) | undefined;
port.on('message', () => {
  credit++;
  wake?.();
});
const send = (message: FromParser, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function run(): Promise<void> {
  const stats = new ImportStats();
  let problems: ImportProblem[] = [];
  stats.onProblem = (p) => problems.push(p);
  let progress: SourceProgress | undefined;
  onSourceProgress((p) => (progress = p));
  const source = openSource(job.path);
  const packer = new BatchPacker();
  for await (const events of eventBatches(source, stats, job.format)) {
    while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
    credit--;
    const batch = packer.pack(events);
    send({ type: 'batch', batch, problems, progress }, [batch.numbers.buffer as ArrayBuffer]);
    problems = [];
  }
  send({ type: 'end', problems, counts: [...stats.counts], source: source.info });
}

run().catch((error: unknown) => {
  const e = error as Error;
  send({
    type: 'error',
    message: e.message,
    source: error instanceof SourceError,
    exitCode: error instanceof HvreplayError ? error.exitCode : undefined,
    stack: e.stack,
  });
});
