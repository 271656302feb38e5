import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { STRACE_STATS } from '../../src/importers/strace/parser.js';
import { ImportStats } from '../../src/importers/stats.js';
import { straceFormat } from '../../src/importers/strace/format.js';
import { cString } from '../../src/importers/strace/syscall-args.js';
import { checkEvent } from '../../src/importers/vocabulary-check.js';
import { eventLine } from '../../src/cli/present/event-line.js';
import { fixtureLines, named, parseFixture, parseLines, type Parsed } from './fixtures.js';

/** Every line is an event, a joined resume, a counted skip or a counted problem. */
function assertAccounted(p: Parsed): void {
  const skips = p.count(STRACE_STATS.joined) + p.count(STRACE_STATS.blank) + p.count(STRACE_STATS.toolMessage);
  assert.equal(p.events.length + skips + p.stats.problems.length, p.lines.length);
}

/** Events named NAME equal the lines that mention `, NAME` (ioctl request) or start `NAME(` (syscall). */
function assertNameCounts(p: Parsed, names: string[]): void {
  for (const name of names) {
    const lines = p.lines.filter(
      (l) =>
        l.includes(`, ${name},`) ||
        l.includes(`, ${name} <unfinished`) ||
        l.includes(`, ${name})`) ||
        new RegExp(`^(?:\\[pid +\\d+\\] |\\d+ +)?[\\d.:]* ?${name}\\(`).test(l),
    ).length;
    assert.equal(named(p.events, name).length, lines, name);
  }
}

describe('strace: mini.strace (-f -ttt -T -y --kvm=vcpu, one thread)', () => {
  const p = parseFixture(straceFormat, 'mini.strace');

  it('turns every line into one event with file:line and ts', () => {
    assert.equal(p.events.length, p.lines.length);
    assert.equal(p.stats.problems.length, 0);
    p.events.forEach((e, i) => {
      assert.deepEqual(e.src, { file: 'mini.strace', line: i + 1 });
      assert.equal(typeof e.ts, 'number');
      assert.equal(e.tid, 9889);
      assert.equal(e.pid, 9889);
    });
    assertNameCounts(p, ['KVM_SET_USER_MEMORY_REGION', 'KVM_RUN', 'KVM_CREATE_VM', 'KVM_CREATE_VCPU', 'mmap', 'munmap', 'mprotect']);
  });

  it('decodes both memslots exactly, flags as a number', () => {
    const slots = named(p.events, 'KVM_SET_USER_MEMORY_REGION');
    assert.deepEqual(
      slots.map((e) => e.args),
      [
        { fd: 4, fdPath: 'anon_inode:kvm-vm', slot: 0, flags: 0, guest_phys_addr: 0, memory_size: 4096, userspace_addr: 0x7fcd470fa000 },
        {
          fd: 4,
          fdPath: 'anon_inode:kvm-vm',
          slot: 1,
          flags: 2,
          guest_phys_addr: 0x1000,
          memory_size: 4096,
          userspace_addr: 0x7fcd470f9000,
        },
      ],
    );
    assert.equal(slots[1]!.kind, 'ioctl');
    assert.deepEqual(slots[1]!.result, { ret: 0, duration: 0.000131 });
  });

  it('reads the three KVM_RUN exit reasons from --kvm=vcpu and the vCPU from -y', () => {
    const runs = named(p.events, 'KVM_RUN');
    assert.deepEqual(
      runs.map((e) => e.result?.exit),
      ['KVM_EXIT_IO', 'KVM_EXIT_MMIO', 'KVM_EXIT_HLT'],
    );
    assert.deepEqual(
      runs.map((e) => e.vcpu),
      [0, 0, 0],
    );
    assert.deepEqual(runs[0]!.args, { fd: 5, fdPath: 'anon_inode:kvm-vcpu:0', raw: '0' });
  });

  it('decodes VM/vCPU creation, capabilities, fd-returning results and errno', () => {
    const vm = named(p.events, 'KVM_CREATE_VM')[0]!;
    assert.deepEqual(vm.args, { fd: 3, fdPath: '/dev/kvm', type: 0 });
    assert.deepEqual(vm.result, { ret: 4, fdPath: 'anon_inode:kvm-vm', duration: 0.000309 });
    const vcpu = named(p.events, 'KVM_CREATE_VCPU')[0]!;
    assert.equal(vcpu.args.id, 0);
    assert.equal(vcpu.result?.fdPath, 'anon_inode:kvm-vcpu:0');
    assert.equal(named(p.events, 'KVM_CHECK_EXTENSION')[0]!.args.cap, 'KVM_CAP_READONLY_MEM');
    const tcgets = named(p.events, 'TCGETS')[0]!;
    assert.deepEqual(tcgets.args, { fd: 1, fdPath: '/dev/null', raw: '0x7ffea3829ad0' });
    assert.equal(tcgets.result?.ret, -1);
    assert.equal(tcgets.result?.errno, 'ENOTTY');
    const sregs = named(p.events, 'KVM_GET_SREGS')[0]!;
    assert.ok(String(sregs.args.raw).startsWith('{cs={base=0xffff0000'));
  });

  it('decodes mmap/munmap/mprotect with numbers, NULL and -y paths', () => {
    const libc = named(p.events, 'mmap')[3]!;
    assert.deepEqual(libc.args, {
      addr: 0x7fcd46f33000,
      length: 1400832,
      prot: 'PROT_READ|PROT_EXEC',
      flags: 'MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE',
      fd: 3,
      fdPath: '/usr/lib/x86_64-linux-gnu/libc.so.6',
      offset: 0x26000,
    });
    assert.equal(libc.result?.ret, 0x7fcd46f33000);
    assert.equal(named(p.events, 'mmap')[0]!.args.addr, null);
    assert.deepEqual(named(p.events, 'munmap')[0]!.args, { addr: 0x7fcd470ef000, length: 46599 });
    assert.deepEqual(named(p.events, 'mprotect')[0]!.args, { addr: 0x7fcd470dc000, length: 16384, prot: 'PROT_READ' });
  });

  it('maps +++ exited with 0 +++ to a generic task_exit', () => {
    const last = p.events.at(-1)!;
    assert.equal(last.kind, 'generic');
    assert.equal(last.name, 'task_exit');
    assert.deepEqual(last.args, { code: 0 });
  });
});

describe('strace: two threads (vmm-threads.strace)', () => {
  const p = parseFixture(straceFormat, 'vmm-threads.strace');
  const startLine = p.lines.findIndex((l) => l.endsWith('KVM_RUN <unfinished ...>')) + 1;
  const resumeLine = p.lines.findIndex((l) => l.includes('<... ioctl resumed>')) + 1;

  it('joins <unfinished ...> and <... resumed> into one event at the start line', () => {
    assert.ok(startLine > 0 && resumeLine > startLine + 1);
    assert.equal(p.count(STRACE_STATS.joined), 1);
    const joined = p.events.find((e) => e.src?.line === startLine)!;
    assert.equal(joined.name, 'KVM_RUN');
    const fd = Number(/ioctl\((\d+)</.exec(p.lines[startLine - 1]!)![1]);
    assert.deepEqual(joined.args, { fd, fdPath: 'anon_inode:kvm-vcpu:0', raw: '0' });
    assert.equal(joined.vcpu, 0);
    assert.equal(joined.result?.exit, 'KVM_EXIT_HLT');
    assert.equal(joined.result?.ret, 0);
    assert.equal(joined.result?.duration, Number(/<(\d+\.\d+)>$/.exec(p.lines[resumeLine - 1]!)![1]));
    const startTs = Number(p.lines[startLine - 1]!.split(/\s+/)[1]);
    assert.equal(joined.ts, startTs);
    // Emitted in start-line order: before the main thread's call that happened while it ran.
    const lines = p.events.map((e) => e.src!.line);
    assert.deepEqual(
      lines,
      [...lines].sort((a, b) => a - b),
    );
    assertAccounted(p);
    assertNameCounts(p, ['KVM_RUN', 'KVM_CHECK_EXTENSION', 'madvise']);
  });

  it("takes the first pid of the file as every thread's leader", () => {
    const leader = Number(p.lines[0]!.split(/\s+/)[0]);
    const tids = new Set(p.events.map((e) => e.tid));
    assert.equal(tids.size, 2);
    for (const e of p.events) assert.equal(e.pid, leader);
  });

  it('gives up on an unfinished call when its task exits, instead of holding every later event back until the end', () => {
    const lines = [
      '3172  1795260811.500000 ioctl(5<anon_inode:kvm-vcpu:0>, KVM_RUN <unfinished ...>',
      '3172  1795260811.600000 +++ killed by SIGKILL +++',
      '3170  1795260811.700000 close(7</dev/null>) = 0',
      '3172  1795260811.800000 ioctl(5<anon_inode:kvm-vcpu:0>, KVM_RUN <unfinished ...>',
      '3172  1795260811.900000 ioctl(5<anon_inode:kvm-vcpu:0>, KVM_RUN <unfinished ...>',
    ];
    const emitted: number[] = [];
    const stats = new ImportStats();
    const parser = straceFormat.createParser({ file: 'killed.strace', stats, emit: (e) => emitted.push(e.src!.line) });
    lines.slice(0, 3).forEach((l, i) => parser.line(l, i + 1));
    assert.deepEqual(emitted, [1, 2, 3], 'the close after the exit is emitted as it is read');
    lines.slice(3).forEach((l, i) => parser.line(l, i + 4));
    assert.deepEqual(emitted, [1, 2, 3, 4], 'a second unfinished call of the same task ends the first');
    parser.end();
    assert.deepEqual(emitted, [1, 2, 3, 4, 5]);
    assert.deepEqual(
      stats.problems.map((x) => x.line),
      [1, 4, 5],
    );
  });

  it('emits an unfinished call that never resumes, counted', () => {
    const cut = parseLines(straceFormat, 'vmm-threads.strace', p.lines.slice(0, startLine + 1));
    assert.equal(cut.count(STRACE_STATS.neverResumed), 1);
    assert.deepEqual(
      cut.stats.problems.map((x) => [x.file, x.line]),
      [['vmm-threads.strace', startLine]],
    );
    const open = cut.events.find((e) => e.src?.line === startLine)!;
    assert.equal(open.name, 'KVM_RUN');
    assert.equal(open.result, undefined);
    assert.equal(cut.events.length, startLine + 1);
  });

  it('decodes madvise', () => {
    const m = named(p.events, 'madvise')[0]!;
    assert.equal(m.args.advice, 'MADV_DONTNEED');
    assert.equal(m.args.length, 8368128);
  });
});

describe('strace: signals, EINTR, kills', () => {
  it('reads a signal line and = -1 EINTR (vmm-signal.strace)', () => {
    const p = parseFixture(straceFormat, 'vmm-signal.strace');
    assertAccounted(p);
    const sig = named(p.events, 'signal')[0]!;
    assert.equal(sig.kind, 'generic');
    assert.equal(sig.args.signal, 'SIGUSR1');
    assert.match(String(sig.args.info), /^\{si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=\d+, si_uid=0\}$/);
    const runs = named(p.events, 'KVM_RUN');
    const eintr = runs.find((e) => e.result?.errno === 'EINTR')!;
    assert.equal(eintr.result?.ret, -1);
    assert.equal(eintr.result?.exit, undefined);
    assert.equal(p.count(STRACE_STATS.joined), 1);
    assert.deepEqual(
      runs.map((e) => e.result?.exit ?? e.result?.errno),
      ['KVM_EXIT_IO', 'KVM_EXIT_MMIO', 'EINTR', 'KVM_EXIT_HLT'],
    );
  });

  it('joins <... resumed> <unfinished ...>) = ? and reads +++ killed by SIGKILL +++ (vmm-kill.strace)', () => {
    const p = parseFixture(straceFormat, 'vmm-kill.strace');
    assertAccounted(p);
    const last = named(p.events, 'KVM_RUN').at(-1)!;
    assert.deepEqual(last.result, {});
    const kills = named(p.events, 'task_exit');
    assert.equal(kills.length, 2);
    for (const k of kills) assert.deepEqual(k.args, { signal: 'SIGKILL' });
  });
});

describe('strace: = ? ERESTARTSYS and the restarted call (vmm-restart.strace, -e trace=ioctl,read,write)', () => {
  const p = parseFixture(straceFormat, 'vmm-restart.strace');
  const startLine = p.lines.findIndex((l) => /read\(\d+<pipe:\[\d+\]>, +<unfinished \.\.\.>$/.test(l)) + 1;
  const restartLine = p.lines.findIndex((l) => l.includes('ERESTARTSYS')) + 1;

  it('joins the interrupted read into one event with errno ERESTARTSYS and no ret', () => {
    assertAccounted(p);
    assert.equal(p.stats.problems.length, 0);
    assert.ok(startLine > 0 && restartLine > startLine);
    assert.match(
      p.lines[restartLine - 1]!,
      /<\.\.\. read resumed>.*\) = \? ERESTARTSYS \(To be restarted if SA_RESTART is set\) <[\d.]+>$/,
    );
    const interrupted = p.events.find((e) => e.src?.line === startLine)!;
    assert.equal(interrupted.kind, 'syscall');
    assert.equal(interrupted.name, 'read');
    assert.equal(interrupted.result?.errno, 'ERESTARTSYS');
    assert.equal(interrupted.result?.ret, undefined);
    assert.equal(interrupted.result?.duration, Number(/<(\d+\.\d+)>$/.exec(p.lines[restartLine - 1]!)![1]));
  });

  it('keeps the signal and the restarted read as their own events, in line order, on the same thread', () => {
    const interrupted = p.events.find((e) => e.src?.line === startLine)!;
    const after = p.events.filter((e) => e.tid === interrupted.tid && e.src!.line > restartLine);
    assert.equal(after[0]!.name, 'signal');
    assert.equal(after[0]!.args.signal, 'SIGUSR1');
    const again = after[1]!;
    assert.equal(again.name, 'read');
    assert.notEqual(again.src!.line, interrupted.src!.line);
    assert.equal(again.result?.ret, 1);
    assert.equal(again.result?.errno, undefined);
    // Same pipe fd: the kernel restarted the same call.
    const fdOf = (e: typeof again): string => String(e.args.raw).split(',')[0]!;
    assert.equal(fdOf(again), fdOf(interrupted));
    assert.match(fdOf(again), /^\d+<pipe:\[\d+\]>$/);
    assert.equal(named(p.events, 'read').filter((e) => e.result?.errno === 'ERESTARTSYS').length, 1);
    const lines = p.events.map((e) => e.src!.line);
    assert.deepEqual(
      lines,
      [...lines].sort((a, b) => a - b),
    );
  });
});

describe('strace: prefixes and clocks', () => {
  it('-t: seconds since midnight, counted once as wallclock_time_of_day', () => {
    const p = parseFixture(straceFormat, 'vmm-t.strace');
    assertAccounted(p);
    assert.equal(p.count(STRACE_STATS.wallclock), 1);
    const [h, m, s] = p.lines[0]!.split(/\s+/)[1]!.split(':').map(Number);
    assert.equal(p.events[0]!.ts, h! * 3600 + m! * 60 + s!);
    // -t without -T pads the result: `ioctl(5, KVM_RUN, 0)     = 0`
    assert.ok(p.lines.some((l) => /\)\s{2,}= /.test(l)));
    assert.equal(named(p.events, 'KVM_RUN').length, 3);
    const fd = Number(/ioctl\((\d+), KVM_RUN/.exec(p.lines.find((l) => l.includes('KVM_RUN'))!)![1]);
    assert.deepEqual(named(p.events, 'KVM_RUN')[0]!.args, { fd, raw: '0' });
  });

  it('-tt: seconds since midnight with microseconds', () => {
    const p = parseFixture(straceFormat, 'vmm-tt.strace');
    assert.equal(p.count(STRACE_STATS.wallclock), 1);
    const [h, m, s] = p.lines[0]!.split(/\s+/)[1]!.split(':').map(Number);
    assert.ok(Math.abs(p.events[0]!.ts! - (h! * 3600 + m! * 60 + s!)) < 1e-9);
    assert.equal(p.events.length, p.lines.length);
  });

  it('without -f: no pid column, no pid/tid', () => {
    const p = parseFixture(straceFormat, 'vmm-nofollow.strace');
    assert.equal(p.events.length, p.lines.length);
    for (const e of p.events) {
      assert.equal(e.tid, undefined);
      assert.equal(e.pid, undefined);
    }
    assert.deepEqual(named(p.events, 'KVM_SET_USER_MEMORY_REGION')[1]!.args.flags, 2);
  });

  it('-f to stderr: [pid N] prefixes, strace: messages counted, not events', () => {
    const p = parseFixture(straceFormat, 'vmm-stderr.strace');
    assertAccounted(p);
    assert.equal(p.count(STRACE_STATS.toolMessage), 1);
    const pidLine = p.lines.find((l) => l.startsWith('[pid '))!;
    const tid = Number(/^\[pid\s+(\d+)\]/.exec(pidLine)![1]);
    assert.ok(p.events.some((e) => e.tid === tid && e.name === 'KVM_CREATE_VCPU'));
    assert.equal(p.events[0]!.tid, undefined);
  });

  it('qemu-pc-64m.strace.gz: every line accounted, names match line counts', () => {
    const p = parseFixture(straceFormat, 'qemu-pc-64m.strace.gz');
    assertAccounted(p);
    assert.equal(p.stats.problems.length, 0);
    assertNameCounts(p, [
      'KVM_SET_USER_MEMORY_REGION',
      'KVM_RUN',
      'KVM_CREATE_VCPU',
      'KVM_CHECK_EXTENSION',
      'mmap',
      'munmap',
      'mprotect',
      'madvise',
    ]);
    for (const e of named(p.events, 'KVM_SET_USER_MEMORY_REGION')) {
      assert.equal(typeof e.args.slot, 'number');
      assert.equal(typeof e.args.flags, 'number');
      assert.equal(typeof e.args.memory_size, 'number');
    }
    assert.equal(p.count(STRACE_STATS.joined), p.lines.filter((l) => l.includes('resumed>')).length);
  });
});

describe('strace: every real recording in test/fixtures/traces', () => {
  const recordings = readdirSync(fileURLToPath(new URL('../../../test/fixtures/traces/', import.meta.url))).filter((f) =>
    f.endsWith('.strace.gz'),
  );
  it('accounts for every line and gives the reducers what the vocabulary says, with no problem', () => {
    assert.ok(recordings.length >= 8, recordings.join(' '));
    for (const name of recordings) {
      const p = parseFixture(straceFormat, name);
      assertAccounted(p);
      assert.deepEqual(p.stats.problems, [], name);
      const stats = new ImportStats();
      for (const e of p.events) checkEvent(e, stats, name);
      // q35-virtio-split closes an unlinked memfd: `close(3</memfd:test>(deleted))`.
      assert.deepEqual(stats.problems, [], name);
    }
  });
});

describe('strace: problems', () => {
  it('counts a corrupted copy of a real line with its file:line, and emits no event for it', () => {
    const lines = fixtureLines('mini.strace');
    const bad = lines[17]!.replace('ioctl(', 'ioctl '); // a real memslot line with its "(" removed
    lines.splice(18, 0, bad, '');
    const p = parseLines(straceFormat, 'mini-corrupt.strace', lines);
    assert.equal(p.events.length, lines.length - 2);
    assert.equal(p.count(STRACE_STATS.unparsed), 1);
    assert.equal(p.count(STRACE_STATS.blank), 1);
    assert.deepEqual(
      p.stats.problems.map((x) => [x.stat, x.file, x.line, x.text]),
      [[STRACE_STATS.unparsed, 'mini-corrupt.strace', 19, bad]],
    );
  });
});

describe('strace: the fd syscalls the reducers read (vmm-fds.strace, strace 6.1 -y)', () => {
  const p = parseFixture(straceFormat, 'vmm-fds.strace');
  const one = (name: string) => named(p.events, name)[0]!;

  it("reads dup2's newfd with -y's decoration of what it was before, as a shell's redirection prints it", () => {
    const line = fixtureLines('migrate-probe.strace.gz').find((l) => l.includes('dup2(3</dev/null>, 2<pipe:'))!;
    const { events, stats } = parseLines(straceFormat, 'migrate-probe.strace.gz', [line]);
    const checked = checkEvent(events[0]!, stats, 'migrate-probe.strace.gz');
    assert.equal(checked.kind, 'syscall', 'its args meet the dup2 schema');
    assert.deepEqual(checked.args, { fd: 3, fdPath: '/dev/null', newfd: 2, newfdPath: 'pipe:[181266]' });
    assert.equal(eventLine({ ...checked, seq: 0 }, { seq: false }), line, 'log prints it back as strace did');
  });

  it('gives openat, close, dup, dup2, dup3, eventfd2 and execve typed arguments, never raw', () => {
    assertAccounted(p);
    assert.equal(p.stats.problems.length, 0);
    for (const name of ['openat', 'close', 'dup', 'dup2', 'dup3', 'eventfd2', 'execve'])
      for (const e of named(p.events, name)) assert.equal(e.args.raw, undefined, `${name} at line ${e.src?.line}`);
    const kvm = named(p.events, 'openat').find((e) => e.args.path === '/dev/kvm')!;
    assert.deepEqual(kvm.args, { dirfd: 'AT_FDCWD', dirfdPath: kvm.args.dirfdPath!, path: '/dev/kvm', flags: 'O_RDWR|O_CLOEXEC' });
    assert.deepEqual([kvm.result?.ret, kvm.result?.fdPath], [3, '/dev/kvm']);
    assert.deepEqual(one('dup').args, { fd: 4, fdPath: 'anon_inode:kvm-vm' });
    assert.deepEqual(one('dup3').args, { fd: 3, fdPath: '/dev/kvm', newfd: 20, flags: 'O_CLOEXEC' });
    assert.deepEqual(one('dup2').args, { fd: 5, fdPath: 'anon_inode:[eventfd]', newfd: 21 });
    assert.deepEqual(one('eventfd2').args, { initval: 0, flags: 'EFD_CLOEXEC' });
    assert.deepEqual(one('eventfd2').result?.fdPath, 'anon_inode:[eventfd]');
    assert.deepEqual(named(p.events, 'close').at(-1)!.args, { fd: 3, fdPath: '/dev/kvm' });
    const exec = one('execve');
    assert.match(String(exec.args.path), /\/mini-vmm$/);
    assert.deepEqual(exec.args.argv, [exec.args.path, '0', 'fds']);
    assert.match(String(exec.args.envp), /^0x[0-9a-f]+$/);
    assert.equal(typeof exec.args.envc, 'number');
  });

  it('hvreplay log prints each of them as strace did', () => {
    for (const e of p.events) {
      if (e.kind !== 'syscall' && e.kind !== 'ioctl') continue;
      const line = p.lines[e.src!.line - 1]!;
      if (/ = -1 E\w+ \(/.test(line)) continue; // the errno's words are not kept
      assert.equal(eventLine({ ...e, seq: 0 }, { seq: false }), line);
    }
  });

  it('reads C strings as strace escapes them, and refuses one cut short', () => {
    assert.equal(cString('"a\\"b\\\\c\\n\\t\\0\\x41\\177"'), 'a"b\\c\n\t\0A\x7f');
    assert.equal(cString('"/very/long/path"...'), undefined);
    assert.equal(cString('NULL'), undefined);
  });
});
