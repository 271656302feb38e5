import { z } from 'zod';
import { fdArgs, int } from './fields.js';

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
};
