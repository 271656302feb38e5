import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SourceError } from '../../errors.js';
import type { NewEvent } from '../../model/event.js';
import { isStdin, reportProgress, type LineSource } from '../source.js';
import type { ImportStats } from '../stats.js';
import { openTraceDat, type TraceDat } from './reader.js';

// A trace.dat must be read by offsets (its options and sections point anywhere in the file, and
// its CPUs' data are merged by time), so a gzipped file or standard input is first unpacked into
// a temporary file, as trace-cmd itself unpacks compressed data into temporary files
// (COMPR_TEMP_FILE, lib/trace-cmd/trace-input.c). A plain file is read where it is, and hashed like
// every other source on a worker thread meanwhile.

export interface PlainFile {
  path: string;
  /** Waits until source.info has the file's size and sha256. */
  hashed(): Promise<void>;
  remove(): void;
}

const HASH_WORKER = fileURLToPath(new URL('./hash-worker.js', import.meta.url));

/** The sha256 of a plain file, on a worker thread, into `info`. */
function hashOnWorker(source: LineSource): () => Promise<void> {
  const worker = new Worker(HASH_WORKER, { workerData: { path: source.info.path } });
  const done = new Promise<void>((resolve, reject) => {
    worker.once('message', (m: { sha256?: string; bytes?: number; error?: string }) => {
      if (m.error !== undefined) reject(new SourceError(`${source.info.path}: cannot read: ${m.error}`));
      else {
        source.info.sha256 = m.sha256!;
        source.info.bytes = m.bytes!;
        resolve();
      }
      void worker.terminate();
    });
    worker.once('error', reject);
  });
  done.catch(() => {}); // awaited by hashed(); not an unhandled rejection before then
  return () => done;
}

/** `hash: false` for a look at the file's metadata only, whose source is not stored. */
export async function plainFile(source: LineSource, hash = true): Promise<PlainFile> {
  const path = source.info.path;
  await source.head();
  if (!isStdin(path) && !source.gzipped) {
    await source.close();
    return { path, hashed: hash ? hashOnWorker(source) : async () => {}, remove: () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'hvreplay-tracedat-'));
  const file = join(dir, 'trace.dat');
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    await pipeline(Readable.from(source.chunks()), createWriteStream(file));
  } catch (error) {
    remove();
    if (error instanceof SourceError) throw error;
    throw new SourceError(`${path}: cannot unpack into ${dir}: ${(error as Error).message}`);
  }
  return { path: file, hashed: async () => {}, remove };
}

/** Opens the source as a trace.dat; the caller closes it and removes the file. */
export async function openTraceDatSource(source: LineSource, hash = true): Promise<{ dat: TraceDat; file: PlainFile }> {
  const file = await plainFile(source, hash);
  try {
    return { dat: await openTraceDat(file.path, source.info.path), file };
  } catch (error) {
    file.remove();
    throw error;
  }
}

/** The events of a trace.dat source, in batches, with progress reported as its CPU data is read. */
export async function* traceDatBatches(source: LineSource, stats: ImportStats): AsyncGenerator<NewEvent[]> {
  const { dat, file } = await openTraceDatSource(source);
  try {
    const total = dat.dataBytes;
    yield* dat.events(stats, (bytes) => reportProgress({ path: source.info.path, bytes, total }));
    await file.hashed();
  } finally {
    dat.close();
    file.remove();
  }
}
