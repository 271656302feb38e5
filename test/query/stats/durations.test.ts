import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Durations, RELATIVE_ACCURACY } from '../../../src/query/stats/durations.js';

/** The nearest-rank percentile of the exact values: rank ceil(q * n). */
function exact(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

describe('streaming durations (DDSketch)', () => {
  it('p50 and p99 are within the stated relative error of the exact nearest-rank percentiles; min, max, mean exact', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5_000_000_000 }), { minLength: 1, maxLength: 2000 }), (values) => {
        const d = new Durations();
        for (const v of values) d.add(v);
        const s = d.summary()!;
        assert.equal(s.count, values.length);
        assert.equal(s.minNs, Math.min(...values));
        assert.equal(s.maxNs, Math.max(...values));
        assert.ok(Math.abs(s.meanNs - values.reduce((a, b) => a + b, 0) / values.length) < 1e-6 * s.meanNs);
        for (const [q, got] of [
          [0.5, s.p50Ns],
          [0.99, s.p99Ns],
        ] as const) {
          const want = exact(values, q);
          assert.ok(Math.abs(got - want) <= RELATIVE_ACCURACY * want + 1e-9, `p${q * 100}: ${got} vs exact ${want}`);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('p99 of two exits is the longer one, as perf would say', () => {
    const d = new Durations();
    d.add(2000);
    d.add(25000);
    assert.ok(Math.abs(d.summary()!.p99Ns - 25000) <= 250);
  });

  it('merging two vCPUs gives the same as one stream', () => {
    const a = new Durations();
    const b = new Durations();
    const all = new Durations();
    for (let i = 1; i <= 500; i++) {
      (i % 2 ? a : b).add(i * 1000);
      all.add(i * 1000);
    }
    a.merge(b);
    assert.deepEqual(a.summary(), all.summary());
    assert.equal(new Durations().summary(), null);
  });
});
