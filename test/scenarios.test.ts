import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePolicies } from '../src/engine/policy/registry.js';
import { bundledScenarios } from '../src/query/scenario-files.js';
import { checkScenarioFiles } from '../src/query/check-scenarios.js';
import { openStore } from '../src/store/open.js';
import { getTrace } from '../src/store/traces.js';
import type { Expectation } from '../src/importers/scenario/schema.js';

const SCENARIOS = new URL('../../scenarios/', import.meta.url).pathname;

async function withDb<T>(work: (db: ReturnType<typeof openStore>) => T | Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'hvreplay-scn-'));
  const db = openStore(join(dir, 't.db'));
  try {
    return await work(db);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('every bundled scenario passes every expectation', async () => {
  const report = await withDb((db) => checkScenarioFiles(db, bundledScenarios(SCENARIOS)));
  assert.ok(report.length >= 5);
  for (const s of report)
    for (const r of s.results) assert.ok(r.passed, `${s.file} #${r.index} @${r.at} ${r.policies}: ${JSON.stringify(r.failures)}`);
});

test('each policy scenario has expectations for two policies of its area that differ at the same event', async () => {
  await withDb(async (db) => {
    for (const file of bundledScenarios(SCENARIOS).filter((f) => !f.includes('mini-readonly-slot'))) {
      const [s] = await checkScenarioFiles(db, [file]);
      const expectations = getTrace(db, s!.trace).meta.expectations as Expectation[];
      // Same position, same state path or effect kind, two policy sets, different expected values.
      const byClaim = new Map<string, Map<string, string>>();
      for (const exp of expectations) {
        const key = resolvePolicies(exp.policy === undefined ? [] : [exp.policy].flat()).key;
        const claims = [
          ...Object.entries(exp.state ?? {}).map(([p, v]) => [`state ${p}`, v] as const),
          ...(exp.effects ?? []).map((e) => [`effect ${String(e.kind)}`, e] as const),
        ];
        for (const [what, value] of claims) {
          const at = `${String(exp.at)} ${what}`;
          const perPolicy = byClaim.get(at) ?? new Map<string, string>();
          perPolicy.set(key, JSON.stringify(value));
          byClaim.set(at, perPolicy);
        }
      }
      const parting = [...byClaim.values()].filter((m) => m.size >= 2 && new Set(m.values()).size >= 2);
      assert.ok(parting.length > 0, `${file}: no event where two policies are expected to differ`);
    }
  });
});

test('a failing expectation reports what was expected and what happened', async () => {
  await withDb(async (db) => {
    const dir = mkdtempSync(join(tmpdir(), 'hvreplay-bad-'));
    try {
      const file = join(dir, 'bad.yaml');
      const text = `name: bad\ndescription: x\nsource: test\narch: x86_64\nevents:\n  - ioctl: KVM_CHECK_EXTENSION\n    label: cap\n    args: { fd: 3, fdPath: /dev/kvm, cap: KVM_CAP_READONLY_MEM }\nexpect:\n  - at: cap\n    policy: kvm-readonly/prot-read\n    effects: [{ kind: result, ret: 1 }]\n`;
      writeFileSync(file, text);
      const [s] = await checkScenarioFiles(db, [file]);
      assert.equal(s!.results[0]!.passed, false);
      assert.deepEqual(s!.results[0]!.failures[0]!.expected, { kind: 'result', ret: 1 });
      assert.deepEqual(s!.results[0]!.failures[0]!.actual, [{ kind: 'result', ret: 0 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
