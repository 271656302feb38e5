import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { badTraceDat, ByteView } from './byte-view.js';
import { unreadable } from '../read-error.js';

// A trace.dat is read by offsets: v7 keeps its options at the end and points to every section;
// both versions place each CPU's ring-buffer pages at an offset given in the metadata. Reads are
// synchronous (pread) and small or chunk-sized, so memory stays bounded whatever the file's size.

export class RandomAccess {
  readonly size: number;
  private readonly fd: number;

  /** @param label the name the user gave the file, used in messages (it may be `-` or a .gz). */
  constructor(
    path: string,
    readonly label: string,
  ) {
    try {
      this.fd = openSync(path, 'r');
      this.size = fstatSync(this.fd).size;
    } catch (error) {
      throw unreadable(label, error);
    }
  }

  /** Exactly `length` bytes at `offset`, or an error saying what was being read there. */
  read(offset: number, length: number, what: string): Buffer {
    return this.readInto(Buffer.allocUnsafe(Math.max(0, length)), offset, length, what);
  }

  /** The same into the start of `buf` (reused by the CPU readers, so a big import allocates no block per read). */
  readInto(buf: Buffer, offset: number, length: number, what: string): Buffer {
    if (offset < 0 || length < 0 || offset + length > this.size || length > buf.length)
      badTraceDat(this.label, offset, what, `${length} bytes inside the file (it has ${this.size})`);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) badTraceDat(this.label, offset + done, what, `${length - done} more bytes`);
      done += n;
    }
    return buf.subarray(0, length);
  }

  /** Up to `length` bytes at `offset` (fewer at the end of the file), as a view for parsing. */
  view(offset: number, length: number, bigEndian: boolean, where: string): ByteView {
    const n = Math.max(0, Math.min(length, this.size - offset));
    return new ByteView(this.read(offset, n, where), bigEndian, this.label, offset, where);
  }

  close(): void {
    closeSync(this.fd);
  }
}
