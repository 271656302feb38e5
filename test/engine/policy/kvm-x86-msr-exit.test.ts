import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { given, type Ev } from './given.js';

// Linux 5.10 added KVM_CAP_X86_USER_SPACE_MSR and KVM_X86_SET_MSR_FILTER; QEMU 7.2 asks for both.

const vmFd: Ev[] = [
  { kind: 'syscall', name: 'openat', args: { path: '/dev/kvm' }, result: { ret: 3 } },
  { kind: 'ioctl', name: 'KVM_CREATE_VM', args: { fd: 3, type: 0 }, result: { ret: 4 } },
];
const ask: Ev = {
  kind: 'ioctl',
  name: 'KVM_CHECK_EXTENSION',
  args: { fd: 4, fdPath: 'anon_inode:kvm-vm', cap: 'KVM_CAP_X86_USER_SPACE_MSR' },
};
const enable = (mask: number, flags = 0): Ev => ({
  kind: 'ioctl',
  name: 'KVM_ENABLE_CAP',
  args: { fd: 4, cap: 'KVM_CAP_X86_USER_SPACE_MSR', flags, args: [mask] },
});
const filter = (args: Record<string, unknown>): Ev => ({
  kind: 'ioctl',
  name: 'KVM_X86_SET_MSR_FILTER',
  args: { fd: 4, ...args } as never,
});
const OLD = ['kvm-x86-msr-exit/before-5.10'];
const NEW = ['kvm-x86-msr-exit/linux-5.10'];
const last = (policy: string[], events: Ev[]) => given('x86_64', policy, [...vmFd, ...events]).effects[0];
const qemuFilter = { flags: 0, ranges: [{ flags: 1, nmsrs: 1, base: 0x35 }] };

describe('KVM_CAP_X86_USER_SPACE_MSR, before 5.10 and after', () => {
  it('the capability reads 0 before 5.10 and 1 after', () => {
    assert.deepEqual(last(OLD, [ask]), { kind: 'result', ret: 0 });
    assert.deepEqual(last(NEW, [ask]), { kind: 'result', ret: 1 });
  });

  it('enabling it is EINVAL before 5.10; after, the mask must be within KVM_MSR_EXIT_REASON_VALID_MASK and flags 0', () => {
    assert.deepEqual(last(OLD, [enable(4)]), { kind: 'result', errno: 'EINVAL' });
    assert.deepEqual(last(NEW, [enable(4)]), { kind: 'result', ret: 0 });
    assert.deepEqual(last(NEW, [enable(8)]), { kind: 'result', errno: 'EINVAL' });
    assert.deepEqual(last(NEW, [enable(4, 1)]), { kind: 'result', errno: 'EINVAL' });
    assert.equal(given('x86_64', NEW, [...vmFd, enable(4)]).state.vms[0]!.userSpaceMsrMask, 4);
  });

  it("KVM_X86_SET_MSR_FILTER is ENOTTY before 5.10, whatever its struct; after, QEMU's one-range read filter is 0 and bad ranges EINVAL", () => {
    assert.deepEqual(last(OLD, [filter({ raw: '0x7ffd91c5d260' })]), { kind: 'result', errno: 'ENOTTY' });
    assert.equal(last(NEW, [filter({ raw: '0x7ffd91c5d260' })])?.kind, 'unmodelled', 'strace prints the struct as an address');
    assert.deepEqual(last(NEW, [filter(qemuFilter)]), { kind: 'result', ret: 0 });
    assert.deepEqual(last(NEW, [filter({ flags: 1, ranges: [] })]), { kind: 'result', errno: 'EINVAL' }, 'deny by default with no range');
    assert.deepEqual(last(NEW, [filter({ flags: 0, ranges: [{ flags: 0, nmsrs: 1, base: 0x35 }] })]), { kind: 'result', errno: 'EINVAL' });
    assert.deepEqual(last(NEW, [filter({ flags: 0, ranges: [{ flags: 1, nmsrs: 0x6001, base: 0 }] })]), {
      kind: 'result',
      errno: 'EINVAL',
    });
  });
});
