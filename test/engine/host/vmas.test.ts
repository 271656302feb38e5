import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findVma, mapRange, protectRange, unmapRange } from '../../../src/engine/host/vmas.js';
import type { Vma } from '../../../src/model/state.js';

const vma = (start: number, end: number, prot = 'PROT_READ|PROT_WRITE'): Vma => ({
  start: '0x' + start.toString(16),
  end: '0x' + end.toString(16),
  prot,
  flags: 'MAP_PRIVATE',
  mappedAt: 0,
});
const ranges = (vmas: Vma[]) => vmas.map((v) => [v.start, v.end, v.prot]);

describe('host mappings', () => {
  it('given one mapping, munmap of its middle leaves the two ends', () => {
    assert.deepEqual(ranges(unmapRange([vma(0x1000, 0x5000)], 0x2000n, 0x3000n)), [
      ['0x1000', '0x2000', 'PROT_READ|PROT_WRITE'],
      ['0x3000', '0x5000', 'PROT_READ|PROT_WRITE'],
    ]);
  });

  it('given two mappings, a MAP_FIXED mapping across both replaces what it covers', () => {
    const after = mapRange([vma(0x1000, 0x3000), vma(0x4000, 0x6000)], vma(0x2000, 0x5000, 'PROT_READ'));
    assert.deepEqual(ranges(after), [
      ['0x1000', '0x2000', 'PROT_READ|PROT_WRITE'],
      ['0x2000', '0x5000', 'PROT_READ'],
      ['0x5000', '0x6000', 'PROT_READ|PROT_WRITE'],
    ]);
  });

  it('mprotect changes only the mapped part of its range, splitting at both ends', () => {
    const after = protectRange([vma(0x1000, 0x4000)], 0x2000n, 0x8000n, 'PROT_READ');
    assert.deepEqual(ranges(after), [
      ['0x1000', '0x2000', 'PROT_READ|PROT_WRITE'],
      ['0x2000', '0x4000', 'PROT_READ'],
    ]);
    assert.equal(findVma(after, 0x2fffn)?.prot, 'PROT_READ');
    assert.equal(findVma(after, 0x4000n), undefined);
  });
});
