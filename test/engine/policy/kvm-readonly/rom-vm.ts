import type { Ev } from '../given.js';

/** A VMM with one 4 KiB ROM slot at 0x1000 (with these flags) backed by a PROT_READ mapping, and one vCPU (fd 5). */
export const romVm = (flags: number): Ev[] => [
  { kind: 'syscall', name: 'openat', args: { path: '/dev/kvm' }, result: { ret: 3 } },
  { kind: 'ioctl', name: 'KVM_CREATE_VM', args: { fd: 3, type: 0 }, result: { ret: 4 } },
  {
    kind: 'syscall',
    name: 'mmap',
    args: { addr: null, length: 4096, prot: 'PROT_READ', flags: 'MAP_PRIVATE' },
    result: { ret: 0x7f0000000000 },
  },
  {
    kind: 'ioctl',
    name: 'KVM_SET_USER_MEMORY_REGION',
    args: { fd: 4, slot: 1, flags, guest_phys_addr: 0x1000, memory_size: 4096, userspace_addr: 0x7f0000000000 },
  },
  { kind: 'ioctl', name: 'KVM_CREATE_VCPU', args: { fd: 4, id: 0 }, result: { ret: 5 } },
];
