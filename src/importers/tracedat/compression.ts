import { inflateSync } from 'node:zlib';
import { badTraceDat, ByteView } from './byte-view.js';

// v7 compression (trace-cmd.dat.v7(5), "COMPRESSION FORMAT OF THE FILE SECTIONS" and "... OF THE
// TRACE DATA"). A compressed section is one block: a 32-bit compressed size, a 32-bit uncompressed
// size, the compressed bytes. Ring-buffer data is a 32-bit chunk count and then such blocks, one
// per chunk of (by default) ten pages (PAGES_IN_CHUNK, lib/trace-cmd/trace-output.c), so a CPU's
// data can be decompressed one chunk at a time.
// The algorithms are trace-cmd's lib/trace-cmd/trace-compress-zstd.c (ZSTD_decompressDCtx: zstd
// frames) and trace-compress-zlib.c (zlib's uncompress(): a zlib stream with its header).
// zstd is libzstd compiled to WebAssembly (@foxglove/wasm-zstd): Node 20's zlib has no zstd, and a
// decoder written in JavaScript (fzstd, used before) ran at a tenth of its speed, most of a
// compressed file's import. Its module is compiled once, when the first zstd file is opened
// (loadZstd), not by every import that loads the importers.

let zstd: { decompress(input: Uint8Array, size: number): Buffer } | undefined;

/** Compiles libzstd's WebAssembly, once; a zstd file is read only after it. */
export async function loadZstd(): Promise<void> {
  if (zstd) return;
  const wasm = (await import('@foxglove/wasm-zstd')).default;
  await wasm.isLoaded;
  zstd = wasm;
}

export interface Decompressor {
  name: string;
  /** The decompressed bytes; throws (with the library's reason) when they are not valid. */
  inflate(input: Uint8Array, size: number): Buffer;
}

const DECOMPRESSORS: Record<string, Decompressor> = {
  zstd: {
    name: 'zstd',
    inflate: (input, size) => {
      if (!zstd) throw new Error('libzstd is not loaded: open trace.dat files with openTraceDat');
      return zstd.decompress(input, size);
    },
  },
  zlib: { name: 'zlib', inflate: (input, size) => inflateSync(input, { maxOutputLength: Math.max(size, 1) }) },
};

export function decompressorFor(file: string, name: string, version: string, headerOffset: number): Decompressor {
  const codec = DECOMPRESSORS[name];
  if (!codec) badTraceDat(file, headerOffset, 'file header', `compression "zstd", "zlib" or "none", not "${name}" ${version}`);
  return codec;
}

/** The largest block a section or chunk may claim, so a corrupt size cannot ask for gigabytes. */
const MAX_BLOCK = 1 << 28;

/**
 * One compressed block read from `view` (positioned at its 8-byte header): the uncompressed
 * contents as a view whose errors name the block's offset in the file.
 */
export function inflateBlock(view: ByteView, codec: Decompressor, where: string): ByteView {
  const start = view.offset;
  const compressed = view.u32('the compressed size of a block');
  const size = view.u32('the uncompressed size of a block');
  if (size > MAX_BLOCK) view.fail(`an uncompressed block size below ${MAX_BLOCK}, not ${size}`, view.pos - 4);
  const input = view.bytes(compressed, 'the compressed bytes of a block');
  return new ByteView(
    inflateChecked(view.file, start, where, codec, input, size),
    view.bigEndian,
    view.file,
    start,
    `${where}, uncompressed`,
  );
}

/** Decompress and check the size the block header promised. */
export function inflateChecked(file: string, at: number, where: string, codec: Decompressor, input: Uint8Array, size: number): Buffer {
  let out: Buffer;
  try {
    out = codec.inflate(input, size);
  } catch (error) {
    badTraceDat(file, at, where, `valid ${codec.name} data (${(error as Error).message})`);
  }
  if (out.length !== size) badTraceDat(file, at, where, `${size} bytes once uncompressed, not ${out.length}`);
  return out;
}
