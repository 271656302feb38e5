import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FTRACE_STATS } from '../../src/importers/ftrace/parser.js';
import { ftraceFormat } from '../../src/importers/ftrace/format.js';
import { fixtureLines, named, parseFixture, parseLines, type Parsed } from './fixtures.js';

/** Every line is an event or a counted header/blank line; events per name equal lines per name. */
function assertAccounted(p: Parsed): void {
  const skips = p.count(FTRACE_STATS.header) + p.count(FTRACE_STATS.blank);
  assert.equal(p.events.length + skips, p.lines.length);
  assert.equal(p.stats.problems.length, 0);
  const byName = new Map<string, number>();
  for (const l of p.lines) {
    const m = /\d: ([^\s:]+):/.exec(l);
    if (m && !l.startsWith('#')) byName.set(m[1]!, (byName.get(m[1]!) ?? 0) + 1);
  }
  for (const [name, n] of byName) assert.equal(named(p.events, name).length, n, name);
}

const MODELED = [
  'kvm_exit',
  'kvm_entry',
  'kvm_userspace_exit',
  'kvm_mmio',
  'kvm_pio',
  'kvm_page_fault',
  'kvm_msr',
  'kvm_cpuid',
  'kvm_set_irq',
  'sched_switch',
];

describe('ftrace: mini.ftrace (tracefs trace, 5-char flags)', () => {
  const p = parseFixture(ftraceFormat, 'mini.ftrace');

  it('turns every non-header line into an event', () => {
    assertAccounted(p);
    assert.equal(p.count(FTRACE_STATS.header), 12);
  });

  it('decodes kvm_pio, kvm_mmio and the three kvm_userspace_exit reasons', () => {
    const pio = named(p.events, 'kvm_pio')[0]!;
    assert.equal(pio.kind, 'fault');
    assert.deepEqual(pio.args, { dir: 'write', port: 0x3f8, size: 1, count: 1, val: 0x41 });
    assert.deepEqual(pio.src, { file: 'mini.ftrace', line: p.lines.findIndex((l) => l.includes('kvm_pio')) + 1 });
    assert.deepEqual(named(p.events, 'kvm_mmio')[0]!.args, { type: 'write', len: 1, gpa: 0x1000, val: 1 });
    const exits = named(p.events, 'kvm_userspace_exit');
    assert.deepEqual(
      exits.map((e) => e.args),
      [
        { reason: 'KVM_EXIT_IO', code: 2 },
        { reason: 'KVM_EXIT_MMIO', code: 6 },
        { reason: 'KVM_EXIT_HLT', code: 5 },
      ],
    );
    assert.deepEqual(
      exits.map((e) => e.kind),
      ['exit', 'exit', 'exit'],
    );
    assert.deepEqual(
      { comm: exits[0]!.comm, pid: exits[0]!.pid, tid: exits[0]!.tid, cpu: exits[0]!.cpu, ts: exits[0]!.ts },
      { comm: 'mini', pid: 9889, tid: 9889, cpu: 1, ts: 609.164052 },
    );
  });

  it('reads tracing_mark_write as a marker and sched_switch by its key= anchors', () => {
    const marks = named(p.events, 'tracing_mark_write');
    assert.equal(marks.length, 2);
    assert.equal(marks[0]!.kind, 'marker');
    assert.deepEqual(marks[0]!.args, { text: 'hvsync realtime_ns=1795260116423523697' });
    const first = p.events[0]!;
    assert.equal(first.kind, 'context_switch');
    assert.equal(first.comm, '<idle>');
    assert.deepEqual(first.args, {
      prev_comm: 'swapper/0',
      prev_pid: 0,
      prev_prio: 120,
      prev_state: 'R',
      next_comm: 'record-real.sh',
      next_pid: 9884,
      next_prio: 120,
    });
  });

  it('keeps other events as generic with raw text, plus key=value fields when that is all there is', () => {
    const tsc = named(p.events, 'kvm_write_tsc_offset')[0]!;
    assert.equal(tsc.kind, 'generic');
    assert.deepEqual(tsc.args, { raw: 'vcpu=0 prev=0 next=18446742492083648291', vcpu: 0, prev: 0, next: '18446742492083648291' });
    assert.deepEqual(named(p.events, 'kvm_fpu')[0]!.args, { raw: 'load' });
  });
});

describe('ftrace: qemu-pc-64m.ftrace.gz', () => {
  const p = parseFixture(ftraceFormat, 'qemu-pc-64m.ftrace.gz');

  it('turns every non-header line into an event, names matching line counts', () => {
    assertAccounted(p);
  });

  it('never leaves a modeled event generic', () => {
    for (const e of p.events) if (MODELED.includes(e.name)) assert.notEqual(e.kind, 'generic', `${e.src?.line}`);
  });

  it('decodes comms with dashes, kvm_msr, kvm_cpuid and kvm_set_irq', () => {
    assert.deepEqual([p.events[0]!.comm, p.events[0]!.pid], ['memfd:sealed-91', 1383]);
    const msr = named(p.events, 'kvm_msr')[0]!;
    assert.deepEqual(msr.args, { dir: 'write', msr: 0x4b564d01, data: 0xe8c21, fault: false });
    const cpuid = named(p.events, 'kvm_cpuid')[0]!;
    assert.equal(cpuid.kind, 'exit');
    assert.deepEqual(cpuid.args, { func: 0x40000000, idx: 6, rax: 0x40000001, rbx: 0x4b4d564b, rcx: 0x564b4d56, rdx: 0x4d, found: true });
    const irq = named(p.events, 'kvm_set_irq')[0]!;
    assert.equal(irq.kind, 'guest');
    assert.deepEqual(irq.args, { gsi: 0, level: 0, source: 0 });
  });
});

describe('ftrace: recorded line shapes', () => {
  it('comm with a space and a slash, and in sched_switch (vmm-default.ftrace)', () => {
    const p = parseFixture(ftraceFormat, 'vmm-default.ftrace');
    assertAccounted(p);
    const vcpu = p.events.find((e) => e.comm === 'CPU 0/KVM')!;
    assert.ok(vcpu);
    const line = p.lines[vcpu.src!.line - 1]!;
    assert.equal(vcpu.pid, Number(/CPU 0\/KVM-(\d+)/.exec(line)![1]));
    const sw = named(p.events, 'sched_switch').find((e) => e.args.next_comm === 'CPU 0/KVM' || e.args.prev_comm === 'CPU 0/KVM')!;
    assert.ok(sw);
    assert.equal(typeof sw.args.next_pid, 'number');
  });

  it('no flags column (noirq-info)', () => {
    const p = parseFixture(ftraceFormat, 'vmm-noirqinfo.ftrace');
    assertAccounted(p);
    assert.equal(p.count(FTRACE_STATS.header), 6);
    const noFlags = p.lines.findIndex((l) => /\] {4}\d+\.\d+: /.test(l)) + 1;
    assert.ok(noFlags > 0);
    assert.equal(p.events.find((e) => e.src?.line === noFlags)!.src!.line, noFlags);
  });

  it('trace_pipe (no header) with the <...> comm', () => {
    const p = parseFixture(ftraceFormat, 'vmm-pipe.ftrace');
    assertAccounted(p);
    assert.equal(p.count(FTRACE_STATS.header), 0);
    assert.ok(p.events.some((e) => e.comm === '<...>' && typeof e.pid === 'number'));
    assert.deepEqual(
      named(p.events, 'kvm_userspace_exit').map((e) => e.result?.exit),
      ['KVM_EXIT_IO', 'KVM_EXIT_MMIO', 'KVM_EXIT_HLT'],
    );
  });

  it('kvm_userspace_exit restart (4) after a signal is errno EINTR (vmm-signal.ftrace)', () => {
    const p = parseFixture(ftraceFormat, 'vmm-signal.ftrace');
    assertAccounted(p);
    const restart = named(p.events, 'kvm_userspace_exit').find((e) => e.args.errno !== undefined)!;
    assert.deepEqual(restart.args, { errno: 'EINTR', code: 4 });
    assert.deepEqual(restart.result, { errno: 'EINTR' });
  });

  it('kvm_userspace_exit past KVM_EXIT_X86_WRMSR prints its reason in hex; the name comes from the number', () => {
    // kvm_trace_exit_reason ends at X86_WRMSR (30): a later reason prints as __print_symbolic's hex.
    // A copy of a real KVM_EXIT_IO line with the reason a Xen exit (34) would print.
    const real = fixtureLines('vmm-pipe.ftrace').find((l) => l.includes('kvm_userspace_exit: reason KVM_EXIT_IO (2)'))!;
    const lines = [real.replace('reason KVM_EXIT_IO (2)', 'reason 0x22 (34)'), real.replace('reason KVM_EXIT_IO (2)', 'reason 0x27 (39)')];
    const p = parseLines(ftraceFormat, 'copy.ftrace', lines);
    assert.deepEqual(
      p.events.map((e) => [e.args.reason, e.args.code, e.result?.exit]),
      [
        ['KVM_EXIT_XEN', 34, 'KVM_EXIT_XEN'],
        ['KVM_EXIT_MEMORY_FAULT', 39, 'KVM_EXIT_MEMORY_FAULT'],
      ],
    );
    assert.equal(p.stats.problems.length, 0);
  });

  it('kvm_pio of rep outsb (count 1 per byte) and rep insb (count 4, "(...)") (vmm-stringio.ftrace)', () => {
    const p = parseFixture(ftraceFormat, 'vmm-stringio.ftrace');
    assertAccounted(p);
    const pio = named(p.events, 'kvm_pio');
    const writes = pio.filter((e) => e.args.dir === 'write');
    assert.deepEqual(
      writes.map((e) => e.args),
      [...'HVR\n'].map((c) => ({ dir: 'write', port: 0x3f8, size: 1, count: 1, val: c.charCodeAt(0) })),
    );
    const reads = pio.filter((e) => e.args.dir === 'read');
    assert.equal(reads.length, 1);
    const read = reads[0]!;
    assert.ok(p.lines[read.src!.line - 1]!.endsWith(' count 4 val 0x68 (...)'));
    // val is the first element only (TP_printk in arch/x86/kvm/trace.h); mini-vmm answered "hvr!".
    assert.deepEqual(read.args, { dir: 'read', port: 0x3f8, size: 1, count: 4, val: 'h'.charCodeAt(0) });
    assert.equal(read.kind, 'fault');
    assert.equal(read.comm, 'CPU 0/KVM');
  });

  it('trace-cmd report header from this machine: cpus=2', () => {
    const p = parseFixture(ftraceFormat, 'vmm-report-empty.txt');
    assert.equal(p.count(FTRACE_STATS.header), 1);
    assert.equal(p.events.length, 0);
  });
});

describe('ftrace: borrowed public samples of older kernels and trace-cmd report', () => {
  it('4-char flags, old kvm_exit, old kvm_page_fault, old kvm_entry', () => {
    const p = parseFixture(ftraceFormat, 'borrowed-old-4char-flags.ftrace');
    assertAccounted(p);
    const exit = named(p.events, 'kvm_exit')[0]!;
    assert.equal(exit.kind, 'exit');
    assert.equal(exit.vcpu, undefined);
    assert.deepEqual(exit.args, { reason: 'EXCEPTION_NMI', rip: 0x1000, info1: 0x1000, info2: 0x80000b0e });
    assert.deepEqual([exit.ts, exit.cpu, exit.comm, exit.pid], [2323301.15494, 1, 'a.out', 20024]);
    const pf = named(p.events, 'kvm_page_fault')[0]!;
    assert.equal(pf.kind, 'fault');
    assert.deepEqual(pf.args, { address: 0x1000, error_code: 0x14 });
    const entry = named(p.events, 'kvm_entry')[0]!;
    assert.equal(entry.kind, 'context_switch');
    assert.equal(entry.vcpu, 0);
    assert.deepEqual(entry.args, {});
  });

  it('new kvm_exit with intr_info/error_code and kvm_entry with rip; unknown events stay generic', () => {
    const p = parseFixture(ftraceFormat, 'borrowed-new-kvm-exit.ftrace');
    assertAccounted(p);
    const exit = named(p.events, 'kvm_exit')[0]!;
    assert.equal(exit.vcpu, 0);
    assert.deepEqual(exit.args, { reason: 'EXCEPTION_NMI', rip: 0xfd0bd, info1: 0, info2: 0x413, intr_info: 0x80000306, error_code: 0 });
    assert.deepEqual(named(p.events, 'kvm_entry')[0]!.args, { rip: 0xf7d6b });
    const probe = named(p.events, 'p_hv_track_root_tdp_0')[0]!;
    assert.equal(probe.kind, 'generic');
    assert.equal(probe.args.raw, '(hv_track_root_tdp+0x0/0x70 [kvm]) si=0x18b082000');
  });

  it('trace-cmd report: padded names, no flags column, kvm_msr (#GP), KVM_EXIT_SHUTDOWN', () => {
    const p = parseFixture(ftraceFormat, 'borrowed-report-svm-gp.txt');
    assertAccounted(p);
    assert.deepEqual(named(p.events, 'kvm_msr')[0]!.args, { dir: 'read', msr: 0xce, data: 0, fault: true });
    assert.deepEqual(named(p.events, 'kvm_exit')[1]!.args, { reason: 'EXIT_EXCP_GP', rip: 0x4015c2, info1: 0x6a, info2: 0 });
    assert.deepEqual(named(p.events, 'kvm_userspace_exit')[0]!.args, { reason: 'KVM_EXIT_SHUTDOWN', code: 8 });
    assert.equal(named(p.events, 'kvm_inj_exception')[0]!.args.raw, '#GP (0x0)');
    const q = parseFixture(ftraceFormat, 'borrowed-report-jailhouse.txt');
    assertAccounted(q);
    assert.deepEqual(named(q.events, 'kvm_pio')[0]!.args, { dir: 'read', port: 0x5658, size: 4, count: 1, val: 4 });
    assert.equal(named(q.events, 'kvm_entry')[0]!.vcpu, 3);
  });
});

describe('ftrace: problems', () => {
  it('counts a corrupted copy of a real line with its file:line', () => {
    const lines = fixtureLines('mini.ftrace');
    const bad = lines[20]!.replace(/\[\d+\]/, 'CPU'); // a real event line with its CPU column destroyed
    lines.splice(21, 0, bad, '');
    const p = parseLines(ftraceFormat, 'mini-corrupt.ftrace', lines);
    assert.equal(p.count(FTRACE_STATS.unparsed), 1);
    assert.equal(p.count(FTRACE_STATS.blank), 1);
    assert.deepEqual(
      p.stats.problems.map((x) => [x.stat, x.file, x.line, x.text]),
      [[FTRACE_STATS.unparsed, 'mini-corrupt.ftrace', 22, bad]],
    );
    assert.equal(p.events.length, lines.length - 12 - 2);
  });

  it('keeps a modeled event whose payload is corrupted as generic, with a problem', () => {
    const lines = fixtureLines('mini.ftrace');
    const i = lines.findIndex((l) => l.includes('kvm_pio:'));
    lines[i] = lines[i]!.replace('pio_write at', 'pio_write to');
    const p = parseLines(ftraceFormat, 'mini-corrupt.ftrace', lines);
    const pio = named(p.events, 'kvm_pio')[0]!;
    assert.equal(pio.kind, 'generic');
    assert.equal(pio.args.raw, 'pio_write to 0x3f8 size 1 count 1 val 0x41 ');
    assert.deepEqual(
      p.stats.problems.map((x) => [x.stat, x.line]),
      [[FTRACE_STATS.unrecognizedPayload, i + 1]],
    );
  });
});
