import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SourceError } from '../../../src/errors.js';
import { openTraceDat } from '../../../src/importers/tracedat/reader.js';
import { ImportStats } from '../../../src/importers/stats.js';
import { fixtureBytes, scratch } from './files.js';

// Mutated copies of the real trace.dat files (bytes flipped, or the file cut short) must be read
// to events or refused with an error naming the file, the byte offset and what was expected there:
// never another exception, never a hang. Flips are aimed at the whole file and, more densely, at
// its metadata (the header, v6's formats and options, v7's options at the end).

const BUDGET_MS = 20_000;

type Mutation = { cut: number } | { flips: { at: number; xor: number }[] };

function mutation(size: number): fc.Arbitrary<Mutation> {
  const at = fc.oneof(
    fc.integer({ min: 0, max: size - 1 }),
    fc.integer({ min: 0, max: Math.min(size, 8192) - 1 }),
    fc.integer({ min: Math.max(0, size - 8192), max: size - 1 }),
  );
  return fc.oneof(
    fc.record({ flips: fc.array(fc.record({ at, xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 6 }) }),
    fc.record({ cut: fc.integer({ min: 0, max: size - 1 }) }),
  );
}

function apply(bytes: Buffer, m: Mutation): Buffer {
  if ('cut' in m) return bytes.subarray(0, m.cut);
  const copy = Buffer.from(bytes);
  for (const f of m.flips) copy[f.at]! ^= f.xor;
  return copy;
}

async function readAll(path: string): Promise<number> {
  const td = await openTraceDat(path, path);
  let n = 0;
  try {
    for await (const batch of td.events(new ImportStats())) n += batch.length;
  } finally {
    td.close();
  }
  return n;
}

for (const [name, runs] of [
  ['host-sched-v7.dat', 40],
  ['kvm-mini.dat', 40],
  ['host-sched-v6.dat.gz', 12],
  ['borrowed-hostguest-guest.dat', 12],
] as const) {
  describe(`fuzz: mutated ${name}`, () => {
    const original = fixtureBytes(name);
    const path = scratch(`fuzz-${name.replace(/\.gz$/, '')}`);

    it('reads to events or refuses with file, offset and what was expected', async () => {
      await fc.assert(
        fc.asyncProperty(mutation(original.length), async (m) => {
          writeFileSync(path, apply(original, m));
          const started = Date.now();
          try {
            await readAll(path);
          } catch (error) {
            if (!(error instanceof SourceError)) throw error;
            assert.match(error.message, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: byte \\d+ \\(.+\\): expected .+`));
          }
          assert.ok(Date.now() - started < BUDGET_MS, `took ${Date.now() - started} ms`);
        }),
        { numRuns: runs, seed: 20261130 },
      );
    });
  });
}
