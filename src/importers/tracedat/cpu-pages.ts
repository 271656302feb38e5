import { badTraceDat, ByteView } from './byte-view.js';
import { inflateChecked, type Decompressor } from './compression.js';
import type { CpuData } from './layout.js';
import type { RandomAccess } from './random-access.js';

// One CPU's ring-buffer pages, read in order and a block at a time, so memory holds one block per
// CPU whatever the size of the file. Uncompressed data (v6, and v7 with "none") is a run of pages
// at the CPU's offset; compressed v7 data is a 32-bit chunk count, then chunks of a 32-bit
// compressed size, a 32-bit uncompressed size and the compressed bytes, each a whole number of
// pages (trace-cmd.dat.v7(5), "COMPRESSION FORMAT OF THE TRACE DATA"; tracecmd_load_chunks_info,
// lib/trace-cmd/trace-compress.c).

/** Pages read per block from uncompressed data: 64 pages, 256 KiB of 4 KiB pages. */
const BLOCK_PAGES = 64;

export interface Page {
  buf: Buffer;
  at: number;
  size: number;
  /** For messages: where the page is ("byte N", or "chunk K at byte N, page P"). */
  where: string;
}

export class CpuPages {
  /** Bytes of the file consumed so far, for progress. */
  consumed = 0;
  private block: Buffer = Buffer.alloc(0);
  private blockAt = 0;
  private blockPos = 0;
  private blockWhere = '';
  private pos: number;
  private readonly end: number;
  private chunksLeft = -1;
  /** Buffers reused from block to block: uncompressed pages, and compressed chunk bytes. */
  private spare: Buffer | undefined;
  private input: Buffer | undefined;
  private chunkIndex = 0;

  constructor(
    private readonly file: RandomAccess,
    private readonly data: CpuData,
    private readonly pageSize: number,
    private readonly bigEndian: boolean,
    private readonly codec: Decompressor | undefined,
  ) {
    this.pos = data.offset;
    // A compressed CPU's recorded size counts its chunks (each 8 + compressed bytes), not the
    // chunk count before them (tracecmd_compress_copy_from's write_size).
    this.end = data.offset + data.size + (codec ? 4 : 0);
  }

  next(): Page | undefined {
    if (this.blockPos >= this.block.length && !this.fill()) return undefined;
    const at = this.blockPos;
    const size = Math.min(this.pageSize, this.block.length - at);
    this.blockPos += this.pageSize;
    const index = at / this.pageSize;
    return { buf: this.block, at, size, where: this.codec ? `${this.blockWhere}, page ${index}` : `byte ${this.blockAt + at}` };
  }

  private fill(): boolean {
    this.blockPos = 0;
    if (!this.codec) {
      const n = Math.min(this.pageSize * BLOCK_PAGES, this.end - this.pos);
      if (n <= 0) return false;
      this.blockAt = this.pos;
      this.spare ??= Buffer.allocUnsafe(this.pageSize * BLOCK_PAGES);
      this.block = this.file.readInto(this.spare, this.pos, n, `CPU ${this.data.cpu} data`);
      this.pos += n;
      this.consumed += n;
      return true;
    }
    if (this.chunksLeft < 0) {
      this.chunksLeft = this.header(4, 'the chunk count').u32('the chunk count of compressed CPU data');
      this.pos += 4;
    }
    if (this.chunksLeft === 0) return false;
    const head = this.header(8, `the header of chunk ${this.chunkIndex}`);
    const compressed = head.u32('the compressed size of a chunk');
    const size = head.u32('the uncompressed size of a chunk');
    const where = `CPU ${this.data.cpu} chunk ${this.chunkIndex} at byte ${this.pos}`;
    if (size % this.pageSize !== 0 || size > this.pageSize * 1024)
      badTraceDat(
        this.file.label,
        this.pos + 4,
        where,
        `an uncompressed chunk size that is a multiple of the page size ${this.pageSize}, not ${size}`,
      );
    if (this.pos + 8 + compressed > this.end)
      badTraceDat(this.file.label, this.pos, where, `${compressed} compressed bytes inside the CPU's ${this.data.size} bytes`);
    if (!this.input || this.input.length < compressed) this.input = Buffer.allocUnsafe(compressed);
    const input = this.file.readInto(this.input, this.pos + 8, compressed, where);
    this.block = inflateChecked(this.file.label, this.pos, where, this.codec, input, size);
    this.blockWhere = where;
    this.blockAt = this.pos;
    this.pos += 8 + compressed;
    this.consumed += 8 + compressed;
    this.chunksLeft--;
    this.chunkIndex++;
    return this.block.length > 0 || this.fill();
  }

  private header(n: number, what: string): ByteView {
    if (this.pos + n > this.end) badTraceDat(this.file.label, this.pos, `CPU ${this.data.cpu} data`, `${what} inside the CPU's data`);
    return new ByteView(this.file.read(this.pos, n, what), this.bigEndian, this.file.label, this.pos, `CPU ${this.data.cpu} data`);
  }
}
