import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPolicies } from '../../../src/engine/policy/registry.js';
import { compareStats } from '../../../src/query/stats/compare.js';
import { traceStats, type StatsReport } from '../../../src/query/stats/trace-stats.js';
import { grepCount, storedFixture } from '../../helpers/stored-fixture.js';

const count = (r: StatsReport, reason: string) =>
  r.exitsByReason.find((row) => row.level === 'userspace' && row.reason === reason)?.count ?? 0;
const strace = (name: string, reason: string) => grepCount(`${name}.strace.gz`, `(${reason})`);
const kernel = (name: string, reason: string) => grepCount(`${name}.ftrace.gz`, `kvm_userspace_exit: reason ${reason} `);

async function statsOf(name: string, options = {}) {
  const { db, trace } = await storedFixture(name, [`${name}.strace.gz`, `${name}.ftrace.gz`]);
  return { report: traceStats(db, trace, defaultPolicies(), options), db, trace };
}

describe('stats: perf kvm stat for a stored trace', () => {
  it('qemu-pc-64m: KVM_EXIT_IO and KVM_EXIT_MMIO as strace saw them, with their time', async () => {
    const { report } = await statsOf('qemu-pc-64m');
    assert.equal(count(report, 'KVM_EXIT_IO'), strace('qemu-pc-64m', 'KVM_EXIT_IO'));
    assert.equal(count(report, 'KVM_EXIT_MMIO'), strace('qemu-pc-64m', 'KVM_EXIT_MMIO'));
    const io = report.exitsByReason.find((r) => r.reason === 'KVM_EXIT_IO')!;
    assert.equal(io.share, 1);
    assert.ok(io.time && io.time.count === io.count, 'every exit but one still open is timed');
    assert.ok(io.time.minNs <= io.time.p50Ns && io.time.p50Ns <= io.time.p99Ns && io.time.p99Ns <= io.time.maxNs);
    assert.deepEqual(
      report.exitsByReason.filter((r) => r.level === 'kernel'),
      [],
      'kvm_exit never fires on the kvm_pvm host that recorded it',
    );
    // The ioctls, with the errors strace printed.
    const run = report.ioctls.find((r) => r.name === 'KVM_RUN')!;
    assert.equal(run.calls, grepCount('qemu-pc-64m.strace.gz', 'KVM_RUN'));
    assert.deepEqual(run.errors, { EINTR: grepCount('qemu-pc-64m.strace.gz', 'KVM_RUN, 0) = -1 EINTR') });
    assert.equal(report.ioctls.find((r) => r.name === 'KVM_SET_USER_MEMORY_REGION')?.calls, 30);
    // One vCPU thread, whose run-state times add up to the stretch the trace shows of it.
    assert.equal(report.runstates.length, 1);
    assert.equal(report.runstates[0]!.tid, 9877);
    const total = Object.values(report.runstates[0]!.seconds).reduce((a, b) => a + b, 0);
    assert.ok(total > 2.5 && total < 3.5, `${total} s`);
  });

  it('a window of events counts only the exits counted inside it, and --vcpu keeps one vCPU', async () => {
    const { db, trace, report: whole } = await statsOf('qemu-pc-64m');
    const half = Math.floor(trace.eventCount / 2);
    const first = traceStats(db, trace, defaultPolicies(), { to: half });
    const second = traceStats(db, trace, defaultPolicies(), { from: half + 1 });
    assert.equal(count(first, 'KVM_EXIT_IO') + count(second, 'KVM_EXIT_IO'), count(whole, 'KVM_EXIT_IO'));
    assert.ok(count(first, 'KVM_EXIT_IO') > 0 && count(second, 'KVM_EXIT_IO') > 0);
    assert.deepEqual(first.window, { from: 0, to: half, events: half + 1 });
    assert.equal(traceStats(db, trace, defaultPolicies(), { vcpu: 1 }).exitsByReason.length, 0, 'the VM has no vCPU 1');
    assert.equal(count(traceStats(db, trace, defaultPolicies(), { vcpu: 0 }), 'KVM_EXIT_IO'), count(whole, 'KVM_EXIT_IO'));
  });

  it('stats A B: the change per reason between two recordings, with ratios', async () => {
    const { report: pc } = await statsOf('qemu-pc-64m');
    const { report: migrate } = await statsOf('migrate');
    const c = compareStats(pc, migrate);
    const io = c.exits.find((r) => r.reason === 'KVM_EXIT_IO')!;
    assert.equal(io.countA, count(pc, 'KVM_EXIT_IO'));
    assert.equal(io.countB, count(migrate, 'KVM_EXIT_IO'));
    assert.equal(io.change, io.countB - io.countA);
    assert.equal(io.ratio, io.countB / io.countA);
    assert.equal(io.meanRatio, io.meanNsB! / io.meanNsA!);
    const dirty = c.ioctls.find((r) => r.name === 'KVM_GET_DIRTY_LOG')!;
    assert.deepEqual([dirty.callsA, dirty.callsB, dirty.ratio], [0, 4, null], 'only the migration asks for the dirty log');
  });

  // Each stat equals what the replayed state counts (the engine's one-exit rule, checked above on the
  // bundled recording): one exit seen by both observers counts once.
  for (const name of ['q35-virtio-split', 'q35-smp2-mono', 'migrate', 'q35-smp2', 'pc-e1000', 'q35-reboot']) {
    it(`${name}: KVM_EXIT_IO and KVM_EXIT_MMIO as strace saw them`, async () => {
      const { report } = await statsOf(name);
      assert.equal(count(report, 'KVM_EXIT_IO'), strace(name, 'KVM_EXIT_IO'));
      assert.equal(count(report, 'KVM_EXIT_MMIO'), strace(name, 'KVM_EXIT_MMIO'));
    });
  }

  it('migrate-dirty-ring: strace misreads the exits (see the fixtures README); the kernel is the observer to trust', async () => {
    const { report } = await statsOf('migrate-dirty-ring');
    assert.equal(count(report, 'KVM_EXIT_IO'), kernel('migrate-dirty-ring', 'KVM_EXIT_IO'));
    assert.equal(count(report, 'KVM_EXIT_UNKNOWN'), 0);
  });

  it('on every new recording the stats count exactly what the replayed state counts', async () => {
    for (const name of ['q35-virtio-split', 'migrate-dirty-ring']) {
      const { db, trace, report } = await statsOf(name);
      const { stateAt } = await import('../../../src/query/state-at.js');
      const { state } = stateAt(db, trace, trace.eventCount - 1, defaultPolicies());
      const byReason: Record<string, number> = {};
      for (const v of state.vms.flatMap((vm) => vm.vcpus))
        for (const [r, n] of Object.entries(v.exitCounts)) byReason[r] = (byReason[r] ?? 0) + n;
      for (const [reason, n] of Object.entries(byReason)) assert.equal(count(report, reason), n, `${name} ${reason}`);
      // And the kernel's own count is never above it: no exit is lost.
      assert.ok(count(report, 'KVM_EXIT_IO') >= kernel(name, 'KVM_EXIT_IO'));
    }
  });
});
