import type { Decompressor } from './compression.js';
import type { FileHeader } from './header.js';
import type { HeaderInfo, SystemFormats } from './metadata.js';
import type { FileOptions } from './options.js';
import type { RandomAccess } from './random-access.js';

// Where everything in a trace.dat is, once its metadata has been read: the same shape for v6
// (layout-v6.ts) and v7 (layout-v7.ts), so that the rest of the reader does not care which.

export interface CpuData {
  cpu: number;
  offset: number;
  /** Bytes in the file; for compressed data, from the chunk count to the last chunk. */
  size: number;
}

/** One ring buffer of the trace: the top instance ("") or a named tracefs instance. */
export interface RingBuffer {
  name: string;
  clock: string | undefined;
  /** The ring-buffer page (sub-buffer) size of this instance. */
  pageSize: number;
  /** v7: the CPU data is compressed in chunks. */
  compressed: boolean;
  /** By CPU id; CPUs without data are left out. */
  cpus: CpuData[];
}

export interface TraceDatLayout {
  file: RandomAccess;
  header: FileHeader;
  codec: Decompressor | undefined;
  headerInfo: HeaderInfo;
  ftraceFormats: string[];
  eventFormats: SystemFormats[];
  /** /proc/kallsyms text ("" when not recorded). */
  kallsyms: string;
  /** printk_formats text ("" when not recorded). */
  printk: string;
  /** saved_cmdlines text. */
  cmdlines: string;
  options: FileOptions;
  buffers: RingBuffer[];
}
