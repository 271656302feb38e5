import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/open.js';
import { getTrace } from '../../src/store/traces.js';
import { readEvents } from '../../src/store/event-reader.js';
import { tempDir } from '../helpers/temp.js';

const TRACEFS = '/sys/kernel/tracing';
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const VMM_C = fileURLToPath(new URL('../../../test/fixtures/vmm/mini-vmm.c', import.meta.url));

function has(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (tracefs)';
  if (!existsSync('/dev/kvm')) return 'no /dev/kvm';
  if (!existsSync(`${TRACEFS}/instances`)) return `tracefs not mounted at ${TRACEFS}`;
  if (!has('gcc', ['--version'])) return 'no gcc to build mini-vmm.c';
  if (!has('strace', ['-V'])) return 'no strace';
  return undefined;
}

/** The top-level tracefs settings record must leave as they were, and the instances present. */
function tracefsState(): Record<string, string> {
  const read = (f: string) => readFileSync(`${TRACEFS}/${f}`, 'utf8');
  return {
    tracing_on: read('tracing_on'),
    buffer_size_kb: read('buffer_size_kb'),
    trace_clock: read('trace_clock'),
    kvm_enable: read('events/kvm/enable'),
    sched_switch_enable: read('events/sched/sched_switch/enable'),
    set_event: read('set_event'),
    // record's libc ioctl probe is defined globally for the recording and removed with its instance.
    uprobes: read('uprobe_events')
      .split('\n')
      .filter((l) => l.includes(':hvreplay_'))
      .join('\n'),
    // Only record's own instances: others on a shared machine come and go with their own recordings.
    instances: readdirSync(`${TRACEFS}/instances`)
      .filter((i) => i.startsWith('hvreplay-'))
      .sort()
      .join(','),
  };
}

const reason = skipReason();

/** mini-vmm built and recorded into a fresh store as trace 'rec', with the tracefs state before. */
function recordVmm(options: string[]): { dir: string; db: string; stdout: string; before: Record<string, string> } {
  const dir = tempDir('hvreplay-record-test-');
  const vmm = join(dir, 'mini-vmm');
  const cc = spawnSync('gcc', ['-O2', '-o', vmm, VMM_C, '-lpthread'], { encoding: 'utf8' });
  assert.equal(cc.status, 0, cc.stderr);
  const before = tracefsState();
  const db = join(dir, 't.db');
  const r = spawnSync(process.execPath, [MAIN, '--db', db, 'record', '--name', 'rec', '--dir', dir, ...options, '--', vmm], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  return { dir, db, stdout: r.stdout, before };
}

describe('record end to end with the tiny VMM', { skip: reason }, () => {
  it('records strace + tracefs, shows the read-only write as KVM_EXIT_MMIO, restores tracefs', () => {
    const { dir, db, stdout, before } = recordVmm([]);
    assert.match(stdout, /imported trace 'rec' \(#\d+, strace\+ftrace\)/);
    assert.match(stdout, /hvsync markers at .* \(carrying trace_clock=mono and CLOCK_REALTIME\)/);
    assert.deepEqual(tracefsState(), before, 'the top-level tracefs settings, trace_clock among them, are untouched');
    // The instance ran on CLOCK_MONOTONIC, and each marker pairs it with CLOCK_REALTIME read at one
    // moment: the marker's own line is stamped on that clock, a little after the pair was read.
    const markers = readFileSync(join(dir, 'record.ftrace'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('tracing_mark_write: hvsync'));
    assert.equal(markers.length, 2);
    // Every KVM ioctl strace saw went through libc's ioctl(), where record's probe read its argument.
    const ftrace = readFileSync(join(dir, 'record.ftrace'), 'utf8');
    const strace = readFileSync(join(dir, 'record.strace'), 'utf8');
    const probes = ftrace
      .split('\n')
      .filter((l) => / libc_ioctl: \(0x[0-9a-f]+\) fd=\d+ request=0x[0-9a-f]+ type=174 arg=0x[0-9a-f]+ mem=\{/.test(l));
    const kvmIoctls = strace.split('\n').filter((l) => /\bioctl\(\d+<[^>]*>, KVM_/.test(l) && !l.includes('resumed>'));
    assert.ok(kvmIoctls.length >= 8, `${kvmIoctls.length} KVM ioctls`);
    assert.equal(probes.length, kvmIoctls.length);
    assert.doesNotMatch(stdout, /merge\.ioctl_probe_unmatched/);
    for (const line of markers) {
      const m = / (\d+\.\d+): tracing_mark_write: hvsync realtime_ns=(\d+) trace_clock=mono trace_ns=(\d+) err_ns=(\d+)$/.exec(line);
      assert.ok(m, line);
      const stamped = Number(m[1]);
      const read = Number(m[3]) / 1e9;
      assert.ok(
        stamped >= read - 2e-6 && stamped < read + 0.05,
        `${line}: stamped ${((stamped - read) * 1e6).toFixed(1)} us after the pair`,
      );
      assert.ok(Number(m[4]) < 100_000, `${line}: the pair is good to ${m[4]} ns`);
      assert.equal(BigInt(m[2]!) % 1_000_000n, 0n, 'realtime is read at a millisecond edge');
    }
    const store = openStore(db);
    const events = [...readEvents(store, getTrace(store, 'rec'))];
    const runs = events.filter((e) => e.name === 'KVM_RUN').map((e) => e.result?.exit);
    assert.deepEqual(runs, ['KVM_EXIT_IO', 'KVM_EXIT_MMIO', 'KVM_EXIT_HLT']);
    // The strace has the openat of /dev/kvm too, so the fd table knows fd 3 from the call that made it.
    assert.ok(events.some((e) => e.name === 'openat' && e.args.path === '/dev/kvm'));
    const clock = getTrace(store, 'rec').meta.clock as {
      alignments: { method: string }[];
      merge: { kvm_events_outside: number; calls_paired: number };
    };
    assert.equal(clock.alignments[0]!.method, 'hvsync_clock_pairs');
    assert.equal(clock.merge.kvm_events_outside, 0);
    assert.equal(clock.merge.calls_paired, 3);
    const mmio = events.find((e) => e.name === 'kvm_mmio');
    assert.equal(mmio?.args.type, 'write');
    assert.equal(mmio?.args.gpa, 0x1000);
    // Cause before return: the kvm_mmio write precedes the KVM_RUN that reports KVM_EXIT_MMIO.
    const exitRun = events.find((e) => e.name === 'KVM_RUN' && e.result?.exit === 'KVM_EXIT_MMIO')!;
    assert.ok(mmio!.seq < exitRun.seq);
    store.close();
  });

  it('two recordings of the same VMM differ, if at all, in what the VMM did, not in times, markers or the host', () => {
    const dir = tempDir('hvreplay-record-test-');
    const vmm = join(dir, 'mini-vmm');
    assert.equal(spawnSync('gcc', ['-O2', '-o', vmm, VMM_C, '-lpthread']).status, 0);
    const db = join(dir, 't.db');
    for (const name of ['one', 'two']) {
      const r = spawnSync(process.execPath, [MAIN, '--db', db, 'record', '--name', name, '--dir', join(dir, name), '--', vmm], {
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
    }
    const d = spawnSync(process.execPath, [MAIN, '--db', db, 'diff', 'one', 'two', '--json'], { encoding: 'utf8' });
    assert.ok(d.status === 0 || d.status === 1, d.stderr);
    const report = JSON.parse(d.stdout) as {
      common: number;
      first?: { firstA?: { kind: string; name: string }; firstB?: { kind: string; name: string } };
    };
    // The VMM's threads race (a thread rename against the vCPU's creation), so a few events may differ.
    assert.ok(report.common >= 40, `${report.common} events in common`);
    for (const e of [report.first?.firstA, report.first?.firstB]) {
      if (!e) continue;
      assert.notEqual(e.kind, 'marker');
      assert.notEqual(e.name, 'sched_switch');
    }
  });
  it(
    'keeps the kernel side as a trace.dat with --format dat, and imports it with the strace',
    { skip: spawnSync('trace-cmd', ['--version']).error ? 'no trace-cmd (Debian: apt-get install trace-cmd)' : undefined },
    () => {
      const { dir, db, stdout, before } = recordVmm(['--format', 'dat']);
      assert.match(stdout, /imported trace 'rec' \(#\d+, strace\+tracedat\)/);
      assert.match(stdout, /hvsync markers at/);
      assert.ok(existsSync(join(dir, 'record.dat')));
      assert.deepEqual(tracefsState(), before);
      const store = openStore(db);
      const events = [...readEvents(store, getTrace(store, 'rec'))];
      assert.deepEqual(
        events.filter((e) => e.name === 'kvm_userspace_exit').map((e) => e.result?.exit),
        ['KVM_EXIT_IO', 'KVM_EXIT_MMIO', 'KVM_EXIT_HLT'],
      );
      const mmio = events.find((e) => e.name === 'kvm_mmio')!;
      const exitRun = events.find((e) => e.name === 'KVM_RUN' && e.result?.exit === 'KVM_EXIT_MMIO')!;
      assert.ok(mmio.seq < exitRun.seq);
      store.close();
    },
  );

  it('refuses a missing command with a usage error and leaves no instance behind', () => {
    const before = tracefsState();
    const scratch = tempDir('hvreplay-record-test-');
    const r = spawnSync(
      process.execPath,
      [MAIN, '--db', join(scratch, 't.db'), 'record', '--dir', join(scratch, 'files'), '--', '/nonexistent/vmm'],
      { encoding: 'utf8' },
    );
    assert.notEqual(r.status, 0);
    assert.deepEqual(tracefsState(), before);
  });
});
