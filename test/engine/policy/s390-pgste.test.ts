import { test } from 'node:test';
import assert from 'node:assert/strict';
import { given, type Ev } from './given.js';

/** The host fact that says which ELF carries a PT_S390_PGSTE program header. */
const HOST = { pgste_binaries: ['/usr/bin/qemu-pgste'] };
const exec = (pgsteMarker: boolean, pid = 1): Ev => ({
  kind: 'syscall',
  name: 'execve',
  pid,
  tid: pid,
  args: { path: pgsteMarker ? '/usr/bin/qemu-pgste' : '/usr/bin/qemu' },
});
const givenS390 = (policies: string[], events: Ev[]) => given('s390x', policies, events, HOST);
const sysctl: Ev = { kind: 'syscall', name: 'sysctl_write', pid: 9, tid: 9, args: { name: 'vm.allocate_pgste', value: '1' } };
const open: Ev = { kind: 'syscall', name: 'openat', args: { path: '/dev/kvm' }, result: { ret: 3 } };
const create = (type: number): Ev => ({ kind: 'ioctl', name: 'KVM_CREATE_VM', args: { fd: 3, type } });
const mmap = (at: number): Ev => ({
  kind: 'syscall',
  name: 'mmap',
  args: { addr: null, length: 4096, prot: 'PROT_READ|PROT_WRITE', flags: 'MAP_PRIVATE|MAP_ANONYMOUS' },
  result: { ret: at },
});

test('given no sysctl and no marker, when KVM_CREATE_VM, then EINVAL under every policy', () => {
  for (const p of ['s390-pgste/sysctl-only', 's390-pgste/elf-marker', 's390-pgste/late-mmap-rfc']) {
    const r = givenS390([p], [exec(false), open, create(0)]);
    assert.deepEqual(r.effects[0], { kind: 'result', errno: 'EINVAL' }, p);
    assert.equal(r.state.vms.length, 0);
  }
});

test('given an ELF with PT_S390_PGSTE, when it is exec-ed, then only elf-marker gives the mm PGSTEs', () => {
  assert.equal(givenS390(['s390-pgste/elf-marker'], [exec(true)]).state.host.processes[1]!.pgste, true);
  assert.equal(givenS390(['s390-pgste/sysctl-only'], [exec(true)]).state.host.processes[1]!.pgste, false);
  const r = givenS390(['s390-pgste/elf-marker'], [exec(true), open, create(0)]);
  assert.deepEqual(r.effects[0], { kind: 'result', newFd: 'vm' });
});

test('given vm.allocate_pgste=1, when a process execs afterwards, then it has PGSTEs even under sysctl-only', () => {
  const r = givenS390(['s390-pgste/sysctl-only'], [sysctl, exec(false), open, create(0)]);
  assert.equal(r.state.host.sysctls['vm.allocate_pgste'], '1');
  assert.equal(r.state.vms.length, 1);
});

const fork = (name = 'fork', flags?: string): Ev => ({ kind: 'syscall', name, ...(flags ? { args: { flags } } : {}), result: { ret: 77 } });
const sysctlOff: Ev = { ...sysctl, args: { name: 'vm.allocate_pgste', value: '0' } };

test('given a process with PGSTEs, when it forks, vforks or clones without CLONE_VM, then on 4.12+ the child inherits them', () => {
  for (const name of ['fork', 'vfork', 'clone']) {
    const r = givenS390(['s390-pgste/elf-marker'], [exec(true), fork(name)]);
    assert.equal(r.state.host.processes[77]!.pgste, true, name);
  }
  // CLONE_VM shares the mm: a thread, no new process.
  assert.equal(
    givenS390(['s390-pgste/elf-marker'], [exec(true), fork('clone', 'CLONE_VM|CLONE_THREAD')]).state.host.processes[77],
    undefined,
  );
});

test('given a PGSTE process and the sysctl turned off, when it forks, then only 4.12+ passes PGSTEs on (pre-4.12 init_new_context reads only the sysctl)', () => {
  const events = [sysctl, exec(false), sysctlOff, fork()];
  assert.equal(givenS390(['s390-pgste/elf-marker'], events).state.host.processes[77]!.pgste, true);
  assert.equal(givenS390(['s390-pgste/sysctl-only'], events).state.host.processes[77]!.pgste, false);
  assert.equal(givenS390(['s390-pgste/late-mmap-rfc'], events).state.host.processes[77]!.pgste, false);
});

test('given a PGSTE process, when it execs a binary without the marker, then 4.12+ keeps PGSTEs (current->mm is the old mm); sysctl-only does not', () => {
  assert.equal(givenS390(['s390-pgste/elf-marker'], [exec(true), exec(false)]).state.host.processes[1]!.pgste, true);
  const events = [sysctl, exec(false), sysctlOff, exec(false)];
  assert.equal(givenS390(['s390-pgste/elf-marker'], events).state.host.processes[1]!.pgste, true);
  assert.equal(givenS390(['s390-pgste/sysctl-only'], events).state.host.processes[1]!.pgste, false);
});

test('given a process that already has PGSTEs, when it execs a marked binary, then no restart is logged (arch_elf_pt_proc checks current->mm first)', () => {
  const r = givenS390(['s390-pgste/elf-marker'], [exec(true), exec(true)]);
  assert.equal(r.state.host.processes[1]!.pgste, true);
  assert.equal(
    r.effects.some((e) => e.kind === 'log' && e.message.includes('restarted')),
    false,
  );
});

test('given late-mmap-rfc, when type KVM_VM_S390_LATE_MMAP is asked for, then the VM exists without PGSTEs; other policies say EINVAL', () => {
  const r = givenS390(['s390-pgste/late-mmap-rfc'], [exec(false), open, create(2)]);
  assert.equal(r.state.vms[0]!.type, 2);
  assert.equal(r.state.host.processes[1]!.pgste, false);
  assert.deepEqual(givenS390(['s390-pgste/elf-marker'], [exec(false), open, create(2)]).effects[0], {
    kind: 'result',
    errno: 'EINVAL',
  });
  const cap: Ev = { kind: 'ioctl', name: 'KVM_CHECK_EXTENSION', args: { fd: 3, cap: 'KVM_CAP_S390_LATE_MMAP' } };
  assert.deepEqual(givenS390(['s390-pgste/late-mmap-rfc'], [open, cap]).effects, [{ kind: 'result', ret: 1 }]);
  assert.deepEqual(givenS390(['s390-pgste/elf-marker'], [open, cap]).effects, [{ kind: 'result', ret: 0 }]);
});

test('given a LATE_MMAP VM, when the guest touches memory mapped before the VM, then KVM_RUN returns EFAULT; memory mapped after is fine', () => {
  const slot = (slot: number, gpa: number, hva: number): Ev => ({
    kind: 'ioctl',
    name: 'KVM_SET_USER_MEMORY_REGION',
    args: { fd: 4, slot, flags: 0, guest_phys_addr: gpa, memory_size: 4096, userspace_addr: hva },
  });
  const setup: Ev[] = [
    exec(false),
    open,
    mmap(0x10000),
    { ...create(2), result: { ret: 4 } },
    mmap(0x20000),
    slot(0, 0, 0x20000),
    slot(1, 0x1000, 0x10000),
    { kind: 'ioctl', name: 'KVM_CREATE_VCPU', args: { fd: 4, id: 0 }, result: { ret: 5 } },
  ];
  const touch = (gpa: number): Ev => ({ kind: 'fault', name: 'guest_access', vcpu: 0, args: { gpa, len: 8, write: true } });
  const run: Ev = { kind: 'ioctl', name: 'KVM_RUN', args: { fd: 5 } };
  const late = givenS390(['s390-pgste/late-mmap-rfc'], [...setup, touch(0x10), run]);
  assert.equal(
    late.effects.some((e) => e.kind === 'result' && e.errno === 'EFAULT'),
    false,
  );
  const early = givenS390(['s390-pgste/late-mmap-rfc'], [...setup, touch(0x1010), run]);
  assert.deepEqual(early.effects[0], { kind: 'result', errno: 'EFAULT' });
});
