import { hex } from '../../model/address.js';
import type { Vma } from '../../model/state.js';

// A process's mappings as a sorted list of [start, end) ranges, edited the way mm/mmap.c does:
// a new mapping replaces whatever it overlaps, unmapping and mprotect split the ranges they cut.

const PAGE = 4096n;

export function pageUp(length: bigint): bigint {
  return ((length + PAGE - 1n) / PAGE) * PAGE;
}

/**
 * Cut every mapping at start and end; the parts outside [start, end) are kept as they were and each
 * part inside is replaced by what `inside` makes of it (nothing, to unmap it).
 */
function editRange(vmas: readonly Vma[], start: bigint, end: bigint, inside: (part: Vma) => Vma | undefined): Vma[] {
  const out: Vma[] = [];
  for (const vma of vmas) {
    const s = BigInt(vma.start);
    const e = BigInt(vma.end);
    if (e <= start || s >= end) {
      out.push(vma);
      continue;
    }
    if (s < start) out.push({ ...vma, end: hex(start) });
    const part = inside({ ...vma, start: hex(s > start ? s : start), end: hex(e < end ? e : end) });
    if (part) out.push(part);
    if (e > end) out.push({ ...vma, start: hex(end) });
  }
  return out;
}

export function unmapRange(vmas: readonly Vma[], start: bigint, end: bigint): Vma[] {
  return editRange(vmas, start, end, () => undefined);
}

export function mapRange(vmas: readonly Vma[], vma: Vma): Vma[] {
  const kept = unmapRange(vmas, BigInt(vma.start), BigInt(vma.end));
  kept.push(vma);
  return kept.sort((a, b) => (BigInt(a.start) < BigInt(b.start) ? -1 : 1));
}

/** Change the protection of the mapped parts of [start, end). */
export function protectRange(vmas: readonly Vma[], start: bigint, end: bigint, prot: string): Vma[] {
  return editRange(vmas, start, end, (part) => ({ ...part, prot }));
}

export function findVma(vmas: readonly Vma[], address: bigint): Vma | undefined {
  return vmas.find((v) => BigInt(v.start) <= address && address < BigInt(v.end));
}
