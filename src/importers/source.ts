import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { SourceError } from '../errors.js';
import type { SourceInfo } from '../store/traces.js';
import { unreadable } from './read-error.js';

export { SourceError };

// Bytes -> lines, streamed: a file, a .gz (found by its magic bytes, not its name), or `-` for stdin.
// Lines come in batches, one per chunk read, so the per-line cost is a string split. Binary formats
// (trace.dat) take the unpacked bytes instead (chunks()), after a look at the first ones (head()).

const GZIP_MAGIC = [0x1f, 0x8b];

/** `-` and /dev/stdin both read standard input, whatever it is (a pipe, a file, a terminal). */
export function isStdin(path: string): boolean {
  return path === '-' || path === '/dev/stdin';
}

/** How far reading a source has got: bytes as stored (compressed for a .gz), of `total` for a file. */
export interface SourceProgress {
  path: string;
  bytes: number;
  total: number | undefined;
}

let progressHook: ((progress: SourceProgress) => void) | undefined;

/**
 * Hear every source's progress after each chunk read (the CLI draws a progress bar with it); undefined
 * stops. One hook for the process, so the importers need not pass it along.
 */
export function onSourceProgress(hook: ((progress: SourceProgress) => void) | undefined): void {
  progressHook = hook;
}

/**
 * The longest line read, in characters (README "Real traces"): a trace line is a few hundred bytes, a
 * line of a megabyte is not a trace line, and holding one of 50 MB while looking for its end is what made such a
 * file take a minute and half a gigabyte. A longer line is skipped as it streams past, and named.
 */
export const MAX_LINE_LENGTH = 1 << 20;

export interface LineBatch {
  /** The line number of lines[0]. */
  first: number;
  /** Lines without line ends, in order; an overlong line is an empty string here... */
  lines: string[];
  /** ...and its index in `lines` is here, with its length and its first bytes. */
  overlong?: { index: number; length: number; head: string }[];
}

export interface LineSource {
  info: SourceInfo;
  /** Batches of lines, in order. */
  batches(): AsyncGenerator<LineBatch>;
  /** The bytes, unpacked when gzipped, in chunks as read; hashed into `info` as they pass. Read once. */
  chunks(): AsyncGenerator<Buffer>;
  /** The first chunk of unpacked bytes (empty for an empty input); chunks() and batches() still start with it. */
  head(): Promise<Buffer>;
  /** After head(): true when the input was gzipped. */
  readonly gzipped: boolean;
  /** Stops reading (a reader that reads the file its own way, after head()). */
  close(): Promise<void>;
}

/** Reports progress for a reader that reads a source its own way (by offset, as trace.dat is). */
export function reportProgress(progress: SourceProgress): void {
  progressHook?.(progress);
}

async function* rawChunks(path: string): AsyncGenerator<Buffer> {
  const input: Readable = isStdin(path) ? process.stdin : createReadStream(path, { highWaterMark: 1 << 18 });
  try {
    for await (const chunk of input) yield chunk as Buffer;
  } catch (error) {
    throw unreadable(path, error);
  }
}

export function openSource(path: string): LineSource {
  let total: number | undefined;
  if (!isStdin(path)) {
    try {
      const stat = statSync(path);
      if (stat.isDirectory()) throw unreadable(path, { code: 'EISDIR' });
      if (!stat.isFile()) throw new SourceError(`${path}: not a regular file`);
      total = stat.size;
    } catch (error) {
      if (error instanceof SourceError) throw error;
      throw unreadable(path, error);
    }
  }
  const hash = createHash('sha256');
  const info: SourceInfo = { path, bytes: 0, sha256: '' };

  let gzipped = false;
  async function* bytes(): AsyncGenerator<Buffer> {
    const chunks = rawChunks(path);
    const first = await chunks.next();
    if (first.done) return;
    async function* all(): AsyncGenerator<Buffer> {
      yield first.value!;
      for await (const chunk of chunks) yield chunk;
    }
    async function* hashed(): AsyncGenerator<Buffer> {
      for await (const chunk of all()) {
        hash.update(chunk);
        info.bytes += chunk.length;
        yield chunk;
      }
    }
    gzipped = first.value[0] === GZIP_MAGIC[0] && first.value[1] === GZIP_MAGIC[1];
    if (!gzipped) {
      yield* hashed();
      return;
    }
    try {
      for await (const chunk of Readable.from(hashed()).pipe(createGunzip({ chunkSize: 1 << 18 }))) yield chunk as Buffer;
    } catch (error) {
      // The line reached says how much of the trace was intact; nothing of it is stored.
      throw new SourceError(`${path}:${lineNo}: bad gzip data after ${info.bytes} compressed bytes: ${(error as Error).message}`);
    }
  }

  // head() reads the first unpacked chunk ahead; chunks() hands it out first.
  const stream = bytes();
  let first: Buffer | undefined;
  async function head(): Promise<Buffer> {
    if (first === undefined) {
      const next = await stream.next();
      first = next.done ? Buffer.alloc(0) : next.value;
    }
    return first;
  }
  async function* chunks(): AsyncGenerator<Buffer> {
    const start = await head();
    if (start.length > 0) yield start;
    yield* stream;
    info.sha256 = hash.digest('hex');
  }

  /** The number of the next line to come out, for errors that happen between lines. */
  let lineNo = 1;

  async function* batches(): AsyncGenerator<LineBatch> {
    const decoder = new TextDecoder('utf-8');
    let carry = '';
    let pending = false;
    /** While a line longer than MAX_LINE_LENGTH streams past: its length so far and first bytes. */
    let skipping: { length: number; head: string } | undefined;
    for await (const chunk of chunks()) {
      // Trace text is nearly always ASCII, and an ASCII chunk converts as latin1 (a copy) instead of
      // through the UTF-8 decoder. The decoder may hold the start of a sequence cut by the previous
      // chunk only if that chunk was not ASCII; it is flushed first (an invalid tail becomes U+FFFD).
      let decoded: string;
      if (isAscii(chunk)) {
        decoded = (pending ? decoder.decode() : '') + chunk.toString('latin1');
        pending = false;
      } else {
        decoded = decoder.decode(chunk, { stream: true });
        pending = true;
      }
      let overlong: LineBatch['overlong'];
      if (skipping) {
        const end = decoded.indexOf('\n');
        if (end < 0) {
          skipping.length += decoded.length;
          continue;
        }
        overlong = [{ index: 0, length: skipping.length + end, head: skipping.head }];
        decoded = '\n' + decoded.slice(end + 1);
        skipping = undefined;
      }
      const text = carry + decoded;
      const lines = text.split('\n');
      carry = lines.pop()!;
      if (carry.length > MAX_LINE_LENGTH) {
        skipping = { length: carry.length, head: carry.slice(0, 80) };
        carry = '';
      }
      if (lines.length === 0) continue;
      // The first line may hold a carry that grew past the limit in the chunk that ended it.
      if (!overlong && lines[0]!.length > MAX_LINE_LENGTH) {
        overlong = [{ index: 0, length: lines[0]!.length, head: lines[0]!.slice(0, 80) }];
        lines[0] = '';
      }
      yield { first: lineNo, lines: stripCr(lines), ...(overlong ? { overlong } : {}) };
      lineNo += lines.length;
      progressHook?.({ path, bytes: info.bytes, total });
    }
    carry += decoder.decode();
    if (skipping)
      yield { first: lineNo, lines: [''], overlong: [{ index: 0, length: skipping.length + carry.length, head: skipping.head }] };
    else if (carry.length > 0) yield { first: lineNo, lines: stripCr([carry]) };
  }

  return {
    info,
    batches,
    chunks,
    head,
    close: async () => {
      await stream.return(undefined);
    },
    get gzipped() {
      return gzipped;
    },
  };
}

function stripCr(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
  }
  return lines;
}
