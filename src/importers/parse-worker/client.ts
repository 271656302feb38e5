import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HvreplayError, SourceError } from '../../errors.js';
import type { EncodedEvent } from '../../store/encoded-event.js';
import type { SourceInfo } from '../../store/traces.js';
import type { FormatName } from '../format.js';
import { reportProgress } from '../source.js';
import type { ImportStats } from '../stats.js';
import type { StatName } from '../stat-registry.js';
import { BatchUnpacker } from './batch.js';
import type { FromParser, ParseJob } from './messages.js';

// One import on two threads: a worker parses (worker.ts) while this thread stores. The parse (reading,
// tokenizing, checking, encoding) and the store (binding, SQLite, checksums) each take about half of
// an import, so on two cores the import takes about as long as the longer half (bench/: import).
// Problems reach `stats` (and through it the store) in the order the parser found them; so do its
// counts at the end. An error in the parser ends the import as it would on one thread.

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));
/** Batches (a source chunk each, ~2,800 ftrace lines) the parser may be ahead: bounded memory. */
const IN_FLIGHT = 4;
const YOUNG_GENERATION_MB = 64;

/** Parsing on a worker pays when there is a second core. HVREPLAY_IMPORT_THREADS=1 keeps it on one (bench/: import). */
export function parseOnWorker(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.HVREPLAY_IMPORT_THREADS !== undefined) return env.HVREPLAY_IMPORT_THREADS !== '1';
  return availableParallelism() > 1;
}

/**
 * Parses `path` on a worker thread and hands each event, encoded, to `store`, in order. Resolves with
 * the source's description (bytes, sha256) once the whole input is read.
 */
export async function parseElsewhere(
  path: string,
  format: FormatName | undefined,
  stats: ImportStats,
  store: (event: EncodedEvent) => void,
): Promise<SourceInfo> {
  const job: ParseJob = { path, format, inFlight: IN_FLIGHT };
  // A young generation larger than V8's default: parsing makes a few short-lived objects per line,
  // and with the default a fifth of the worker's time went to collecting them (strace).
  const worker = new Worker(WORKER, { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  const unpacker = new BatchUnpacker();
  try {
    return await new Promise<SourceInfo>((resolve, reject) => {
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`the import's parsing thread stopped (exit ${code})`)));
      worker.on('message', (message: FromParser) => {
        try {
          switch (message.type) {
            case 'batch':
              for (const p of message.problems) stats.record(p);
              unpacker.unpack(message.batch, store);
              if (message.progress) reportProgress(message.progress);
              worker.postMessage('stored');
              return;
            case 'end':
              for (const p of message.problems) stats.record(p);
              for (const [stat, n] of message.counts) stats.counts.set(stat as StatName, n);
              resolve(message.source);
              return;
            case 'error':
              reject(
                message.source
                  ? new SourceError(message.message)
                  : message.exitCode !== undefined
                    ? new HvreplayError(message.message, message.exitCode)
                    : Object.assign(new Error(message.message), { stack: message.stack }),
              );
          }
        } catch (error) {
          reject(error);
        }
      });
    });
  } finally {
    await worker.terminate();
  }
}
