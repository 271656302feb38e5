import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

// A file written as it is produced, through a small buffer, under a temporary name until it is whole:
// a failed export leaves no half file where the user asked for one.

const FLUSH_BYTES = 1 << 20;

export class FileSink {
  private readonly fd: number;
  private readonly temporary: string;
  private chunks: Uint8Array[] = [];
  private pending = 0;
  bytes = 0;

  constructor(private readonly path: string) {
    this.temporary = `${path}.${process.pid}.partial`;
    this.fd = openSync(this.temporary, 'w');
  }

  write(data: Uint8Array | string): void {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    this.chunks.push(chunk);
    this.pending += chunk.length;
    if (this.pending >= FLUSH_BYTES) this.flush();
  }

  close(): number {
    this.flush();
    closeSync(this.fd);
    renameSync(this.temporary, this.path);
    return this.bytes;
  }

  abandon(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.temporary, { force: true });
  }

  private flush(): void {
    if (this.pending === 0) return;
    const all = Buffer.concat(this.chunks, this.pending);
    let off = 0;
    while (off < all.length) off += writeSync(this.fd, all, off);
    this.bytes += all.length;
    this.chunks = [];
    this.pending = 0;
  }
}
