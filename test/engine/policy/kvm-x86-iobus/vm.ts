// A VMM for the I/O bus tests: /dev/kvm, a VM with or without an irqchip, one vCPU on thread 1, and the
// kernel events of its runs as ftrace shows them.
import type { Ev } from '../given.js';

export const IOBUS = ['kvm-x86-iobus/linux'];
/** The host facts a 6.18 host built with the x86 default (CONFIG_KVM_IOAPIC=y) gives. */
export const HOST = { kvm_ioapic: true };

export function vm(irqchip: 'none' | 'full' | 'split', extra: Ev[] = []): Ev[] {
  return [
    { kind: 'syscall', name: 'openat', args: { path: '/dev/kvm' }, result: { ret: 3 } },
    { kind: 'ioctl', name: 'KVM_CREATE_VM', args: { fd: 3, type: 0 }, result: { ret: 4 } },
    ...(irqchip === 'full' ? [{ kind: 'ioctl', name: 'KVM_CREATE_IRQCHIP', args: { fd: 4 }, result: { ret: 0 } } as Ev] : []),
    ...(irqchip === 'split'
      ? [{ kind: 'ioctl', name: 'KVM_ENABLE_CAP', args: { fd: 4, cap: 'KVM_CAP_SPLIT_IRQCHIP', args: [24] }, result: { ret: 0 } } as Ev]
      : []),
    ...extra,
    { kind: 'ioctl', name: 'KVM_CREATE_VCPU', args: { fd: 4, id: 0 }, result: { ret: 5 } },
  ];
}

export const pio = (dir: 'read' | 'write', port: number, val = 0, size = 1): Ev => ({
  kind: 'fault',
  name: 'kvm_pio',
  args: { dir, port, size, count: 1, val },
});
export const mmio = (type: 'write' | 'read' | 'unsatisfied-read', gpa: number, val = 0, len = 4): Ev => ({
  kind: 'fault',
  name: 'kvm_mmio',
  args: { type, len, gpa, val },
});
/** The kernel's kvm_userspace_exit: an exit reason, or `restart` (EINTR). */
export const exit = (reason?: string): Ev => ({
  kind: 'exit',
  name: 'kvm_userspace_exit',
  args: reason ? { reason, code: 0 } : { code: 4, errno: 'EINTR' },
  ...(reason ? { result: { exit: reason } } : { result: { errno: 'EINTR' } }),
});
