import { defineArea } from '../define.js';
import { MSR_EXIT_EVENTS } from './events.js';
import type { MsrExitParams } from './params.js';
import { capability, enableUserSpaceMsr, setMsrFilter } from './rules.js';
import { before510, linux510 } from './variants.js';

// kvm-x86-msr-exit: guest MSR accesses KVM would answer with #GP, handed to userspace instead where
// the VMM asked for it (KVM_CAP_X86_USER_SPACE_MSR, KVM_X86_SET_MSR_FILTER), which came with Linux 5.10.
// QEMU 7.2 asks for it on every recording here: the capability's answer and the two calls that follow
// are where a pre-5.10 kernel parts from a later one on a real trace.

export type { MsrExitParams };

export const kvmX86MsrExitArea = defineArea<MsrExitParams>({
  area: 'kvm-x86-msr-exit',
  summary: 'guest RDMSR/WRMSR exits to userspace (KVM_CAP_X86_USER_SPACE_MSR, KVM_X86_SET_MSR_FILTER) instead of #GP',
  arches: ['x86_64'],
  events: MSR_EXIT_EVENTS,
  behaviour: (params) => ({
    reducers: { 'ioctl:KVM_X86_SET_MSR_FILTER': setMsrFilter(params) },
    hooks: {
      capabilities: { KVM_CAP_X86_USER_SPACE_MSR: capability(params), KVM_CAP_X86_MSR_FILTER: capability(params) },
      enableCap: { KVM_CAP_X86_USER_SPACE_MSR: (request) => enableUserSpaceMsr(params, request) },
    },
  }),
  variants: [before510, linux510],
});

declare module '../define-policy.js' {
  interface AreaParamsMap {
    'kvm-x86-msr-exit': MsrExitParams;
  }
}
