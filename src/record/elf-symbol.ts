import { closeSync, openSync, readSync } from 'node:fs';

// The file offset of a function a shared library exports, which is what a uprobe is placed at
// (Documentation/trace/uprobetracer.rst: "PATH:OFFSET", an offset in the file, not an address). Read
// from the ELF64 little-endian headers (the System V gABI, "Object Files"): the dynamic symbol table
// gives the symbol's virtual address, and the PT_LOAD segment holding it maps that to the file.

const SHT_DYNSYM = 11;
const STT_FUNC = 2;
const PT_LOAD = 1;

function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, offset);
  if (n !== length) throw new Error(`short read at ${offset}`);
  return buf;
}

/** The file offset of exported function `name` in the ELF64 file at `path`, or why it has none. */
export function functionFileOffset(path: string, name: string): number | string {
  const fd = openSync(path, 'r');
  try {
    const eh = readAt(fd, 0, 64);
    if (eh.readUInt32BE(0) !== 0x7f454c46) return `${path} is not an ELF file`;
    if (eh[4] !== 2 || eh[5] !== 1) return `${path} is not a 64-bit little-endian ELF file`;
    const phoff = Number(eh.readBigUInt64LE(0x20));
    const shoff = Number(eh.readBigUInt64LE(0x28));
    const phentsize = eh.readUInt16LE(0x36);
    const phnum = eh.readUInt16LE(0x38);
    const shentsize = eh.readUInt16LE(0x3a);
    const shnum = eh.readUInt16LE(0x3c);
    const sections = readAt(fd, shoff, shentsize * shnum);
    const section = (i: number) => ({
      type: sections.readUInt32LE(i * shentsize + 4),
      offset: Number(sections.readBigUInt64LE(i * shentsize + 0x18)),
      size: Number(sections.readBigUInt64LE(i * shentsize + 0x20)),
      link: sections.readUInt32LE(i * shentsize + 0x28),
      entsize: Number(sections.readBigUInt64LE(i * shentsize + 0x38)),
    });
    let value: bigint | undefined;
    for (let i = 0; i < shnum && value === undefined; i++) {
      const sym = section(i);
      if (sym.type !== SHT_DYNSYM || sym.entsize === 0) continue;
      const strtab = section(sym.link);
      const strings = readAt(fd, strtab.offset, strtab.size);
      const table = readAt(fd, sym.offset, sym.size);
      for (let at = 0; at + sym.entsize <= table.length; at += sym.entsize) {
        const start = table.readUInt32LE(at);
        const end = strings.indexOf(0, start);
        const st = table.readBigUInt64LE(at + 8);
        if ((table[at + 4]! & 0xf) === STT_FUNC && st !== 0n && strings.toString('latin1', start, end) === name) {
          value = st;
          break;
        }
      }
    }
    if (value === undefined) return `${path} exports no function ${name}`;
    const segments = readAt(fd, phoff, phentsize * phnum);
    for (let i = 0; i < phnum; i++) {
      const at = i * phentsize;
      if (segments.readUInt32LE(at) !== PT_LOAD) continue;
      const offset = segments.readBigUInt64LE(at + 8);
      const vaddr = segments.readBigUInt64LE(at + 16);
      const filesz = segments.readBigUInt64LE(at + 32);
      if (value >= vaddr && value < vaddr + filesz) return Number(value - vaddr + offset);
    }
    return `${path}: ${name} lies in no loaded segment`;
  } finally {
    closeSync(fd);
  }
}
