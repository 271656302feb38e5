import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hvreplay } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/temp.js';
import { debugScript, positions } from './run.js';

// Scripted sessions (commands on stdin, no terminal) with their expected transcripts.

const MINI = 'scenarios/mini-readonly-slot.yaml';
const ROM = 'scenarios/kvm-readonly-bios-rom.yaml';
const MINI_LINE_5 = '@5  9889  1795260116.432276 mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0) = 0x7fcd470f9000';
const MINI_LINE_6 =
  '@6  9889  1795260116.432357 ioctl(4<anon_inode:kvm-vm>, KVM_SET_USER_MEMORY_REGION, {slot=1, flags=KVM_MEM_READONLY, guest_phys_addr=0x1000, memory_size=4096, userspace_addr=0x7fcd470f9000}) = 0 # readonly-slot';

describe('hvreplay debug, scripted', () => {
  const dir = tempDir();
  const db = join(dir, 'debug.db');

  it('goto, step, back and where: @5, @6, @5, with the event, its source line and its effects', () => {
    const run = debugScript(db, MINI, ['goto 5', 'step', 'back', 'where', 'quit']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(
      run.stdout,
      [
        MINI_LINE_5,
        MINI_LINE_6,
        MINI_LINE_5,
        '@5 of 0..10',
        '  ' + MINI_LINE_5.slice('@5  '.length),
        '  source: scenarios/mini-readonly-slot.yaml:34',
        '  effects: none',
        '',
      ].join('\n'),
    );
  });

  it('step N and back N, the short forms, goto start/end, and clamping at both ends', () => {
    const run = debugScript(db, MINI, [
      's 3',
      'n',
      'rs 2',
      'rn',
      'back 100',
      'goto end',
      'step',
      'goto start',
      'back',
      'g @7',
      'reverse-step',
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(positions(run.stdout), [3, 4, 2, 1, 0, 10, 10, 0, 0, 7, 6]);
    assert.match(run.stdout, /Already at the end of the trace \(@10\)\./);
    assert.match(run.stdout, /Already at the start of the trace \(@0\)\./);
  });

  it('--at starts there, and the effects of an event show in where', () => {
    const run = debugScript(db, MINI, ['where'], ['--at', '6']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^@6 of 0\.\.10\n/);
    assert.match(
      run.stdout,
      / {2}effect: \{"kind":"result","ret":0\}\n {2}effect: \{"kind":"memslot","vm":0,"slot":1,"change":"create"\}\n/,
    );
  });

  it('break exit KVM_EXIT_MMIO and continue stop at the write to the read-only ROM (kvm-readonly/memslot-flag)', () => {
    const run = debugScript(db, ROM, ['break exit KVM_EXIT_MMIO', 'continue', 'where']);
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 3), [
      'Breakpoint 1: exit KVM_EXIT_MMIO',
      'Breakpoint 1 hit: vm 0 vcpu 0 exit KVM_EXIT_MMIO (predicted)',
      '@12  9875  ioctl(10, KVM_RUN, 0) # run-after-write',
    ]);
    assert.match(
      run.stdout,
      /effect: \{"kind":"exit","vm":0,"vcpu":0,"reason":"KVM_EXIT_MMIO","detail":\{"gpa":"0xfffe0000","len":1,"is_write":1,"data":144\}\}/,
    );
  });

  it('reverse-continue returns to the previous MMIO exit; continue and reverse-continue hit the same events', () => {
    // The scenario's flash probe writes two command bytes to the ROM: two MMIO exits.
    const run = debugScript(db, ROM, ['break exit mmio', 'c', 'c', 'c', 'rc', 'rc', 'info breakpoints']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(positions(run.stdout), [12, 14, 14, 12, 0]);
    assert.match(run.stdout, /Already at the end of the trace \(@14\)\./);
    assert.match(run.stdout, /Reached the start of the trace: no breakpoint or watch hit before @12\./);
    assert.match(run.stdout, /NUM {2}TYPE {8}HITS {2}WHAT\n1 {4}breakpoint {2}3 {5}exit KVM_EXIT_MMIO\n/);
  });

  it('under Linux 3.6 (--kernel 3.6) the VM crashes instead: break effect crash, and no MMIO exit', () => {
    const run = debugScript(db, ROM, ['break effect crash', 'break exit KVM_EXIT_MMIO', 'c', 'c'], ['--kernel', '3.6']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(positions(run.stdout), [9, 14]);
    assert.match(run.stdout, /Breakpoint 1 hit: effect \{"kind":"crash","vm":0,"reason":/);
    assert.match(run.stdout, /# read-swapped-rom\n/);
  });

  it('break KIND NAME and CEL predicates; delete one or all; info breakpoints', () => {
    const run = debugScript(db, MINI, [
      'break ioctl KVM_RUN',
      'break event.label == "create-vcpu"',
      'c',
      'c',
      'delete 1',
      'c',
      'info breakpoints',
      'goto 0',
      'c',
      'delete',
      'info breakpoints',
      'c',
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(positions(run.stdout), [7, 8, 10, 0, 7, 10]);
    assert.match(run.stdout, /Breakpoint 2 hit: event\.label == "create-vcpu"\n@7 /);
    assert.match(run.stdout, /Breakpoint 1 hit: ioctl KVM_RUN\n@8 /);
    assert.match(run.stdout, /Deleted 1\.\n/);
    assert.match(run.stdout, /NUM {2}TYPE {8}HITS {2}WHAT\n2 {4}breakpoint {2}1 {5}event\.label == "create-vcpu"\n/);
    assert.match(run.stdout, /Deleted 2\.\nNo breakpoints or watches\.\n/);
  });

  it('watch stops where the value changes, forwards and backwards, with both values', () => {
    const run = debugScript(db, MINI, ['watch vms[0].vcpus[0].lastExit', 'c', 'c', 'c', 'c', 'rc', 'rc', 'rc']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(positions(run.stdout), [8, 9, 10, 10, 9, 8, 0]);
    assert.match(run.stdout, /^Watch 1: vms\[0\]\.vcpus\[0\]\.lastExit = \(absent\)\n/);
    assert.match(run.stdout, /Watch 1 hit: vms\[0\]\.vcpus\[0\]\.lastExit: \(absent\) -> "KVM_EXIT_IO"\n@8 /);
    assert.match(run.stdout, /Watch 1 hit: vms\[0\]\.vcpus\[0\]\.lastExit: "KVM_EXIT_IO" -> "KVM_EXIT_MMIO"\n@9 /);
    assert.match(run.stdout, /Watch 1 hit: vms\[0\]\.vcpus\[0\]\.lastExit: "KVM_EXIT_MMIO" -> "KVM_EXIT_HLT"\n@10 /);
  });

  it('print a path, print --json, print the whole state; a missing path is an error', () => {
    const run = debugScript(db, MINI, [
      'goto 10',
      'print vms[0].vcpus[0].lastExit',
      'print --json vms[0].memslots[1]',
      'p',
      'print vms[3]',
    ]);
    assert.equal(run.status, 2);
    assert.match(
      run.stdout,
      /\nvms\[0\]\.vcpus\[0\]\.lastExit = KVM_EXIT_HLT\n\{\n {2}"slot": 1,\n {2}"flags": 2,\n {2}"guestPhysAddr": "0x1000",\n {2}"memorySize": 4096,\n {2}"userspaceAddr": "0x7fcd470f9000"\n\}\n/,
    );
    assert.match(run.stdout, /\nVMs \(1\)\n/);
    assert.match(run.stdout, /\nerror: no state path 'vms\[3\]' at @10\n$/);
  });

  it('diff: what the current event changed, path by path', () => {
    const run = debugScript(db, MINI, ['goto 9', 'diff', 'diff vms[0].vcpus[0].exitCounts']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /\n@9 changed \d+ paths\n/);
    assert.match(run.stdout, /\n {2}vms\[0\]\.vcpus\[0\]\.lastExit: "KVM_EXIT_IO" -> "KVM_EXIT_MMIO"\n/);
    assert.match(
      run.stdout,
      /\n@9 changed 1 path under vms\[0\]\.vcpus\[0\]\.exitCounts\n {2}vms\[0\]\.vcpus\[0\]\.exitCounts\.KVM_EXIT_MMIO: \(absent\) -> 1\n$/,
    );
  });

  it('info vms, memslots and vcpus as tables; none before KVM_CREATE_VM', () => {
    const run = debugScript(db, MINI, ['info vms', 'goto 9', 'info vms', 'info memslots', 'info vcpus']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^No VMs at @0\.\n/);
    assert.match(
      run.stdout,
      /\nVM {2}PID {3}FD {2}TYPE {2}ARCH {4}STATUS {3}SLOTS {2}VCPUS\n0 {3}9889 {2}4 {3}0 {5}x86_64 {2}running {2}2 {6}1\n/,
    );
    assert.match(
      run.stdout,
      /\nVM {2}SLOT {2}GPA {5}SIZE {4}HVA {13}FLAGS\n0 {3}0 {5}0x0 {5}0x1000 {2}0x7fcd470fa000 {2}-\n0 {3}1 {5}0x1000 {2}0x1000 {2}0x7fcd470f9000 {2}READONLY\n/,
    );
    assert.match(run.stdout, /\nVM {2}VCPU {2}TID .*LAST EXIT .*\n0 {3}0 .*KVM_EXIT_MMIO .*IO:1 MMIO:1/);
  });

  it('policy switches one area and keeps the position', () => {
    const run = debugScript(db, ROM, [
      'goto 9',
      'print vms[0].status',
      'policy kvm-memslot/linux-3.6',
      'policy kvm-readonly/prot-read',
      'print vms[0].status',
      'info policies',
      'policy nope/x',
    ]);
    assert.equal(run.status, 2);
    assert.match(
      run.stdout,
      /vms\[0\]\.status = running\nPolicy kvm-memslot\/linux-3\.6 for kvm-memslot\.\n@9 .*\nPolicy kvm-readonly\/prot-read for kvm-readonly\.\n@9 .*\nvms\[0\]\.status = crashed\n/,
    );
    assert.match(run.stdout, /\nkvm-readonly\/prot-read\n/);
    assert.match(run.stdout, /\nerror: unknown policy 'nope\/x'/);
  });

  it('help lists every command; quit ends the script early; comments are skipped', () => {
    const run = debugScript(db, MINI, ['# a comment', 'help', 'quit', 'step']);
    assert.equal(run.status, 0, run.stderr);
    for (const c of [
      'step [N]',
      'back [N]',
      'goto N|start|end',
      'continue',
      'reverse-continue',
      'break ',
      'watch PATH',
      'delete',
      'info ',
      'print ',
      'where',
      'diff',
      'policy',
      'help',
      'quit',
    ]) {
      assert.ok(run.stdout.includes(c), c);
    }
    assert.deepEqual(positions(run.stdout), []);
  });

  it('bad input is an error line and exit status 2, and the session goes on', () => {
    const run = debugScript(db, MINI, [
      'frobnicate',
      'goto 99',
      'step x',
      'break exit KVM_EXIT_NOPE',
      'break effect nope',
      'break state.vms[0].status ==',
      'watch vms[0',
      'step',
    ]);
    assert.equal(run.status, 2);
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('error: '));
    assert.equal(errors.length, 7, run.stdout);
    assert.deepEqual(positions(run.stdout), [1]);
  });

  it('--commands FILE runs a file of commands', () => {
    const file = join(dir, 'cmds');
    writeFileSync(file, 'goto 5\nstep\n');
    const run = hvreplay(db, ['debug', MINI, '--commands', file]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(positions(run.stdout), [5, 6]);
  });

  it('an unknown trace and a position outside it are usage errors', () => {
    assert.equal(hvreplay(db, ['debug', 'no-such-trace']).status, 2);
    assert.equal(debugScript(db, MINI, [], ['--at', '11']).status, 2);
  });
});
