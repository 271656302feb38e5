import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { SourceError } from '../../errors.js';
import type { NewEvent } from '../../model/event.js';
import { isStdin, reportProgress, type LineSource } from '../source.js';
import type { ImportStats } from '../stats.js';
import { openTraceDat, type TraceDat } from './reader.js';

// A trace.dat must be read by offsets (its options and sections point anywhere in the file, and
// its CPUs' data are merged by time), so a gzipped file or standard input is first unpacked into
// a temporary file, as trace-cmd itself unpacks compressed data into temporary files
// (COMPR_TEMP_FILE, lib/trace-cmd/trace-input.c). A plain file is read where it is, after one
// sequential pass that hashes it like every other source.

export interface PlainFile {
  path: string;
  remove(): void;
}

export async function plainFile(source: LineSource): Promise<PlainFile> {
  const path = source.info.path;
  await source.head();
  if (!isStdin(path) && !source.gzipped) {
    for await (const _chunk of source.chunks()); // hashes the file into source.info
    return { path, remove: () => {} };
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
  return { path: file, remove };
}

/** Opens the source as a trace.dat; the caller closes it and removes the file. */
export async function openTraceDatSource(source: LineSource): Promise<{ dat: TraceDat; file: PlainFile }> {
  const file = await plainFile(source);
  try {
    return { dat: openTraceDat(file.path, source.info.path), file };
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
  } finally {
    dat.close();
    file.remove();
  }
}
