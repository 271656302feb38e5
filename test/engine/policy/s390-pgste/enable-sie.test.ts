import { test } from 'node:test';
import assert from 'node:assert/strict';
import { given, type Ev } from '../given.js';

// s390_enable_sie() at KVM_CREATE_VM in its five eras (docs/upstream/releases-issue12.md section 8).

const HOST = { pgste_binaries: ['/usr/bin/qemu-pgste'] };
const exec = (marked = false): Ev => ({
  kind: 'syscall',
  name: 'execve',
  args: { path: marked ? '/usr/bin/qemu-pgste' : '/usr/bin/qemu' },
});
const open: Ev = { kind: 'syscall', name: 'openat', args: { path: '/dev/kvm' }, result: { ret: 3 } };
const create: Ev = { kind: 'ioctl', name: 'KVM_CREATE_VM', args: { fd: 3, type: 0 }, result: { ret: 4 } };
const thread: Ev = {
  kind: 'syscall',
  name: 'clone',
  args: { flags: 'CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD' },
  result: { ret: 2 },
};
const threadExit: Ev = { kind: 'generic', name: 'task_exit', pid: 1, tid: 2, args: { code: 0 } };
const fork: Ev = { kind: 'syscall', name: 'fork', result: { ret: 77 } };
const run = (variant: string, events: Ev[]) => given('s390x', [`s390-pgste/${variant}`], events, HOST);
const EINVAL = { kind: 'result', errno: 'EINVAL' };
const VM = { kind: 'result', newFd: 'vm' };

test('<= 3.11 (dup-mm): a single-threaded process gets its mm replaced by a copy with PGSTEs; a threaded one is EINVAL', () => {
  const alone = run('dup-mm', [exec(), open, create]);
  assert.deepEqual(alone.effects[0], VM);
  assert.equal(alone.state.host.processes[1]!.pgste, true);
  assert.deepEqual(run('dup-mm', [exec(), thread, open, create]).effects[0], EINVAL);
  assert.deepEqual(run('dup-mm', [exec(), thread, threadExit, open, create]).effects[0], VM, 'the thread is gone again');
});

test('<= 3.11: the converted mm passes PGSTEs to a fork (init_new_context() reads current->mm->context.alloc_pgste); 3.13-3.19 do not', () => {
  assert.equal(run('dup-mm', [exec(), open, create, fork]).state.host.processes[77]!.pgste, true);
  assert.equal(run('realloc', [exec(), open, create, fork]).state.host.processes[77]!.pgste, false);
});

test('3.13-3.19 (realloc): KVM_CREATE_VM works for a threaded process too; no sysctl, no marker needed', () => {
  const r = run('realloc', [exec(), thread, open, create]);
  assert.deepEqual(r.effects[0], VM);
  assert.equal(r.state.host.processes[1]!.pgste, true);
});

test('4.1-4.11 and 4.12-6.14 refuse an mm made without PGSTEs', () => {
  assert.deepEqual(run('sysctl-only', [exec(), open, create]).effects[0], EINVAL);
  assert.deepEqual(run('elf-marker', [exec(), open, create]).effects[0], EINVAL);
});

test('before 4.1 and after 6.14 the sysctl does not exist: it gives no mm PGSTEs', () => {
  const sysctl: Ev = { kind: 'syscall', name: 'sysctl_write', pid: 9, tid: 9, args: { name: 'vm.allocate_pgste', value: '1' } };
  for (const variant of ['dup-mm', 'realloc', 'always'])
    assert.equal(run(variant, [sysctl, exec()]).state.host.processes[1]!.pgste, false, variant);
  assert.equal(run('sysctl-only', [sysctl, exec()]).state.host.processes[1]!.pgste, true);
});

test('6.17-6.18 (always): any process, threads or not, marked or not; PT_S390_PGSTE restarts nothing', () => {
  const r = run('always', [exec(true), thread, open, create]);
  assert.deepEqual(r.effects[0], VM);
  assert.equal(r.state.host.processes[1]!.pgste, true, 'has_pgste = 1');
  assert.equal(
    run('always', [exec(true)]).effects.some((e) => e.kind === 'log' && /restarted/.test(e.message)),
    false,
  );
});

test('7.0+ (no-host-pgste): any process, and the host mm never gets PGSTEs', () => {
  const r = run('no-host-pgste', [exec(), thread, open, create]);
  assert.deepEqual(r.effects[0], VM);
  assert.equal(r.state.host.processes[1]!.pgste, false);
});
