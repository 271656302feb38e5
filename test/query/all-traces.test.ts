import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolvePolicies } from '../../src/engine/policy/registry.js';
import { importFiles } from '../../src/importers/import.js';
import { summariseAll } from '../../src/query/all-traces/run.js';
import { conformTrace } from '../../src/query/conform/conform.js';
import { traceStats } from '../../src/query/stats/trace-stats.js';
import { openStore } from '../../src/store/open.js';
import { getTrace } from '../../src/store/traces.js';
import { hvreplay } from '../helpers/cli.js';
import { fixturePath } from '../helpers/stored-fixture.js';
import { REPO, tempDir } from '../helpers/temp.js';

// conform --all and stats --all: the single-trace queries over every trace, on worker threads, give
// what each single-trace query gives, in trace order.

const dir = tempDir('hvreplay-all-');
const path = join(dir, 'all.db');
const db = openStore(path);
await importFiles(db, { files: [fixturePath('qemu-kvm.strace.gz'), fixturePath('qemu-kvm.ftrace.gz')], name: 'qemu-kvm' });
await importFiles(db, { files: [fixturePath('q35-smp2-mono.strace.gz')], name: 'q35-smp2-mono' });
await importFiles(db, { files: [join(REPO, 'scenarios/mini-readonly-slot.yaml')] });
const names = ['qemu-kvm', 'q35-smp2-mono', 'mini-readonly-slot'];
const policies = resolvePolicies([]);

describe('every trace of a store', () => {
  it('conform: one summary per trace, on two worker threads, each as conformTrace counts it', async () => {
    const all = await summariseAll(db, path, 'conform', [], { threads: 2 });
    assert.deepEqual(
      all.map((s) => s.trace),
      names,
    );
    for (const s of all) {
      const one = conformTrace(db, getTrace(db, s.trace), policies);
      assert.ok('matches' in s, JSON.stringify(s));
      assert.deepEqual([s.events, s.matches, s.mismatches], [one.events, one.matches, one.mismatches.length]);
    }
  });

  it('stats: the same summaries on worker threads as on this thread', async () => {
    const threaded = await summariseAll(db, path, 'stats', [], { threads: 2 });
    assert.deepEqual(threaded, await summariseAll(db, path, 'stats', [], { threads: 1 }));
    const one = traceStats(db, getTrace(db, 'qemu-kvm'), policies);
    const s = threaded[0]!;
    assert.ok('userspaceExits' in s);
    assert.equal(
      s.userspaceExits,
      one.exitsByReason.filter((r) => r.level === 'userspace').reduce((n, r) => n + r.count, 0),
    );
  });

  it('from the command line: a row per trace, exit 0 when all conform; a trace or --all, not neither', () => {
    const run = hvreplay(path, ['conform', '--all']);
    assert.equal(run.status, 0, run.stderr);
    for (const name of names) assert.match(run.stdout, new RegExp(`^${name} `, 'm'));
    const json = JSON.parse(hvreplay(path, ['stats', '--all', '--json']).stdout) as { traces: { trace: string }[] };
    assert.deepEqual(
      json.traces.map((t) => t.trace),
      names,
    );
    assert.equal(hvreplay(path, ['stats']).status, 2);
    assert.equal(hvreplay(path, ['conform', 'qemu-kvm', '--all']).status, 2);
  });

  it('conform --all --host: a host profile stands in for every trace, as conform TRACE --host does for one', () => {
    const host = join(dir, 'host.json');
    assert.equal(hvreplay(path, ['profile', 'qemu-kvm', '-o', host]).status, 0);
    const all = hvreplay(path, ['conform', '--all', '--host', host, '--json']);
    assert.equal(all.status, 0, all.stderr);
    const rows = (JSON.parse(all.stdout) as { traces: { trace: string; matches: number }[] }).traces;
    for (const name of ['qemu-kvm', 'q35-smp2-mono']) {
      const one = JSON.parse(hvreplay(path, ['conform', name, '--host', host, '--json']).stdout) as { matches: number };
      const plain = JSON.parse(hvreplay(path, ['conform', name, '--json']).stdout) as { matches: number };
      assert.equal(rows.find((r) => r.trace === name)?.matches, one.matches, name);
      assert.ok(one.matches > plain.matches, `${name}: the profile's answers are predicted (${one.matches} against ${plain.matches})`);
    }
  });
});
