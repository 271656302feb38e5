import type { RandomAccess } from './random-access.js';
import { badTraceDat, ByteView } from './byte-view.js';

// The initial format, trace-cmd.dat.v6(5) and .v7(5) "INITIAL FORMAT": 3 magic bytes 0x17 0x08 0x44,
// "tracing", the version as a NUL-terminated string, one byte of endianness (0 little, 1 big), one
// byte for the size of a long, a 32-bit page size; v7 then has the compression name and version
// ("none" when not compressed) and the 64-bit offset of the first options section.
// trace-cmd reads it the same way (tracecmd_alloc_fd, lib/trace-cmd/trace-input.c).

export const TRACE_DAT_MAGIC = Buffer.from([0x17, 0x08, 0x44, ...Buffer.from('tracing')]);

/** True when the bytes start like a trace.dat file. */
export function isTraceDat(head: Uint8Array): boolean {
  if (head.length < TRACE_DAT_MAGIC.length) return false;
  for (let i = 0; i < TRACE_DAT_MAGIC.length; i++) if (head[i] !== TRACE_DAT_MAGIC[i]) return false;
  return true;
}

export interface FileHeader {
  version: 6 | 7;
  bigEndian: boolean;
  /** Bytes in a user-space long; the kernel's comes from header_page's `commit` field. */
  longSize: 4 | 8;
  pageSize: number;
  /** v7: the compression of its sections ("none" is recorded as undefined). */
  compression: { name: string; version: string } | undefined;
  /** v7: where the first options section is. */
  optionsOffset: number | undefined;
  /** The offset of the first byte after the header (v6: the header_page block). */
  end: number;
}

const HEADER_READ = 512;

export function readFileHeader(file: RandomAccess): FileHeader {
  const head = file.view(0, HEADER_READ, false, 'file header');
  if (!isTraceDat(head.buf)) badTraceDat(file.label, 0, 'file header', 'the trace.dat magic bytes 17 08 44 "tracing"');
  head.pos = TRACE_DAT_MAGIC.length;
  const versionText = head.cstring('the file version');
  const version = Number(versionText) as 6 | 7;
  if (version !== 6 && version !== 7)
    head.fail(`file version 6 or 7 (trace-cmd.dat.v6(5), .v7(5)), not "${versionText}"`, TRACE_DAT_MAGIC.length);
  const endianAt = head.pos;
  const endian = head.u8('the endianness byte');
  if (endian > 1) head.fail(`endianness 0 (little) or 1 (big), not ${endian}`, endianAt);
  const bigEndian = endian === 1;
  const longAt = head.pos;
  const longSize = head.u8('the size of a long') as 4 | 8;
  if (longSize !== 4 && longSize !== 8) head.fail(`a long size of 4 or 8, not ${longSize}`, longAt);
  // From here on numbers are in the file's endianness.
  const view = new ByteView(head.buf, bigEndian, file.label, 0, 'file header');
  view.pos = head.pos;
  const pageAt = view.pos;
  const pageSize = view.u32('the page size');
  if (pageSize < 64 || pageSize > 1 << 24 || (pageSize & (pageSize - 1)) !== 0)
    view.fail(`a power-of-two page size, not ${pageSize}`, pageAt);
  if (version === 6) return { version, bigEndian, longSize, pageSize, compression: undefined, optionsOffset: undefined, end: view.pos };
  const name = view.cstring('the compression algorithm name');
  const compressionVersion = view.cstring('the compression algorithm version');
  const optionsAt = view.pos;
  const optionsOffset = view.u64('the offset of the first options section');
  if (optionsOffset < view.pos || optionsOffset >= file.size)
    view.fail(`the first options section's offset inside the file (size ${file.size}), not ${optionsOffset}`, optionsAt);
  const compression = name === 'none' ? undefined : { name, version: compressionVersion };
  return { version, bigEndian, longSize, pageSize, compression, optionsOffset, end: view.pos };
}
