import { z } from 'zod';
import { address, fdArgs, int } from './fields.js';

// The KVM ioctls the core reducers read (include/uapi/linux/kvm.h; strace prints their argument as
// decoded here). Ioctls an area reduces are declared in the area's own folder.

export const IOCTL_EVENTS = {
  'ioctl:KVM_GET_API_VERSION': fdArgs,
  'ioctl:KVM_CREATE_VM': { ...fdArgs, type: int.default(0) },
  'ioctl:KVM_CHECK_EXTENSION': {
    ...fdArgs,
    cap: z.union([z.string().regex(/^(KVM_CAP_\w+|\d+)$/), int], { error: 'expected a KVM_CAP_* name or number' }),
  },
  'ioctl:KVM_CREATE_VCPU': { ...fdArgs, id: int.nonnegative() },
  'ioctl:KVM_RUN': fdArgs,
  /**
   * struct kvm_enable_cap {cap, flags, args[4]}. strace 6.1 prints only its address (`KVM_ENABLE_CAP,
   * 0x7fff3519d600`, test/fixtures/traces/migrate.strace.gz), so from a recording only fd and raw come.
   */
  'ioctl:KVM_ENABLE_CAP': {
    ...fdArgs,
    cap: z.union([z.string().regex(/^(KVM_CAP_\w+|\d+)$/), int], { error: 'expected a KVM_CAP_* name or number' }).optional(),
    /** Absent with a cap: 0, as a scenario means it; without a cap nothing is known. */
    flags: int.nonnegative().optional(),
    args: z.array(address).max(4, { error: 'struct kvm_enable_cap has 4 args' }).optional(),
  },
  /** `KVM_GET_VCPU_MMAP_SIZE, 0`: the argument must be 0 (kvm_dev_ioctl()). */
  'ioctl:KVM_GET_VCPU_MMAP_SIZE': { ...fdArgs, arg: address.optional() },
};
