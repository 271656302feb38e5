import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { CorruptStoreError } from '../errors.js';
import { BLOCK_EVENTS, PAGE_SQL } from './event-codec.js';
import type { SqlDatabase, SqlStatement } from './sql.js';

// Checksums of events, per block of BLOCK_EVENTS (table event_blocks, migration 003). A block's text is
// what the page reader gets from SQLite for it (PAGE_SQL). The import makes that text itself from the
// values it binds (page-row-text.ts) and keeps its CRC-32; a block with a value it cannot render exactly
// is read back from SQLite instead, and so are the first block and one in SPOT_CHECK_EVERY, to compare
// (reading every block back cost 15% of an import, bench/). Every later read checks the blocks it reads,
// at the cost of one CRC over text it has anyway (about 2% of a full replay). CRC-32 finds any damage of
// up to 32 bits and all but 1 in 4 billion others; sha256 over the CRCs, kept in the trace's row, guards
// the CRCs.

/** Blocks read back to compare with the writer's own text: the first, and one in this many. */
export const SPOT_CHECK_EVERY = 256;

/** The CRC of each block in a page's text; undefined when the text does not start at a block's first row. */
export function pageBlockCrcs(page: string): number[] | undefined {
  const pieces = page.split('\n');
  if (pieces[0] !== '') return undefined;
  const crcs = new Array<number>(pieces.length - 1);
  for (let i = 1; i < pieces.length; i++) {
    const piece = pieces[i]!;
    crcs[i - 1] = crc32(piece.endsWith(',') ? piece.slice(0, -1) : piece);
  }
  return crcs;
}

export function blockOf(seq: number): number {
  return Math.floor(seq / BLOCK_EVENTS);
}

/** The content checksum of a trace: sha256 over its block CRCs in block order. */
export function contentChecksum(crcs: Iterable<number>): string {
  const hash = createHash('sha256');
  const word = Buffer.alloc(4);
  for (const crc of crcs) {
    word.writeUInt32BE(crc >>> 0);
    hash.update(word);
  }
  return hash.digest('hex');
}

/** Records the CRC of each block of a trace being written, in the import's transaction. */
export class BlockSealer {
  private readonly page: SqlStatement;
  private readonly insert: SqlStatement;
  private readonly crcs: number[] = [];

  constructor(
    db: SqlDatabase,
    private readonly traceId: number,
  ) {
    this.page = db.prepare(PAGE_SQL).pluck();
    this.insert = db.prepare('INSERT INTO event_blocks (trace_id, block, crc) VALUES (?, ?, ?)');
  }

  /**
   * Keeps the CRC of the block just written (all of its rows, or the trace's last ones): of `text`, the
   * block's text as the writer made it, or of the block as SQLite reads it when that is undefined.
   */
  seal(block: number, text: Uint8Array | undefined): void {
    if (block !== this.crcs.length) throw new Error(`block ${block} sealed after ${this.crcs.length - 1}`);
    const made = text === undefined ? undefined : crc32(text);
    const crc = made === undefined || block % SPOT_CHECK_EVERY === 0 ? this.readBack(block) : made;
    // The writer's text and SQLite's differ: the renderer is wrong, and its CRCs would make the trace
    // read as damaged. Nothing is stored.
    if (made !== undefined && made !== crc)
      throw new Error(`block ${block} of the trace being imported renders differently from what SQLite reads back; please report this`);
    this.crcs.push(crc);
    this.insert.run(this.traceId, block, crc);
  }

  private readBack(block: number): number {
    const text = this.page.get({ trace: this.traceId, from: block * BLOCK_EVENTS, last: block * BLOCK_EVENTS + BLOCK_EVENTS - 1 }) as
      string | null;
    const crcs = text === null ? undefined : pageBlockCrcs(text);
    if (crcs?.length !== 1) throw new CorruptStoreError(`block ${block} of the trace being imported did not read back as it was written`);
    return crcs[0]!;
  }

  get sealed(): number {
    return this.crcs.length;
  }

  checksum(): string {
    return contentChecksum(this.crcs);
  }
}

/** The CRCs recorded for blocks first..last of a trace, in order. */
export function recordedCrcs(db: SqlDatabase, traceId: number, first: number, last: number): number[] {
  return db
    .prepare('SELECT crc FROM event_blocks WHERE trace_id = ? AND block >= ? AND block <= ? ORDER BY block')
    .pluck()
    .all(traceId, first, last) as number[];
}
