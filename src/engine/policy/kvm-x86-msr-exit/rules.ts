import type { MachineState, Vm } from '../../../model/state.js';
import { pushAnswer, type Answer } from '../../reducers/answer.js';
import { onFd } from '../../reducers/ioctl-target.js';
import type { EnableCapDecision, EnableCapRequest } from '../define.js';
import type { MsrExitParams } from './params.js';

// KVM_CAP_X86_USER_SPACE_MSR and KVM_X86_SET_MSR_FILTER: a guest RDMSR/WRMSR that KVM would answer with
// #GP exits to userspace instead (KVM_EXIT_X86_RDMSR/WRMSR) for the reasons the VMM enabled
// (api.rst 7.21, 4.97). Linux 6.18.2 arch/x86/kvm/x86.c: kvm_vm_ioctl_enable_cap() lines 6743, 6823-6829;
// kvm_vm_ioctl_set_msr_filter() lines 7053-7080 and kvm_add_msr_filter() lines 7019-7051.

/** KVM_MSR_EXIT_REASON_INVAL | UNKNOWN | FILTER (include/uapi/linux/kvm.h lines 413-416). */
const EXIT_REASON_VALID_MASK = 0x7n;
/** KVM_MSR_FILTER_DEFAULT_DENY, the one valid filter flag (arch/x86/include/uapi/asm/kvm.h line 229-230). */
const FILTER_DEFAULT_DENY = 1;
/** KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE (lines 214-216). */
const RANGE_VALID_MASK = 3;
/** KVM_MSR_FILTER_MAX_BITMAP_SIZE (line 210). */
const MAX_BITMAP_SIZE = 0x600;

export function enableUserSpaceMsr(params: MsrExitParams, request: EnableCapRequest): EnableCapDecision {
  // Before 5.10 the capability is unknown: kvm_vm_ioctl_enable_cap()'s `default: r = -EINVAL;`.
  if (!params.userSpaceMsr) return { errno: 'EINVAL', why: 'this kernel has no KVM_CAP_X86_USER_SPACE_MSR' };
  if (request.flags) return { errno: 'EINVAL', why: 'flags must be 0' };
  const mask = request.args[0] ?? 0n;
  if (mask & ~EXIT_REASON_VALID_MASK)
    return { errno: 'EINVAL', why: `args[0] 0x${mask.toString(16)} has bits beyond KVM_MSR_EXIT_REASON_VALID_MASK` };
  return { accept: true, vm: { userSpaceMsrMask: Number(mask) }, why: `MSR exits to userspace for reasons 0x${mask.toString(16)}` };
}

function filterAnswer(
  params: MsrExitParams,
  flags: number | undefined,
  ranges: readonly { flags: number; nmsrs: number }[] | undefined,
): Answer {
  // Before 5.10 the ioctl is unknown: kvm_arch_vm_ioctl() starts with `int r = -ENOTTY;`.
  if (!params.userSpaceMsr) return { errno: 'ENOTTY' };
  if (flags === undefined || ranges === undefined) return { unmodelled: 'struct kvm_msr_filter not shown' };
  if (flags & ~FILTER_DEFAULT_DENY) return { errno: 'EINVAL' };
  const empty = ranges.every((r) => r.nmsrs === 0);
  if (empty && flags & FILTER_DEFAULT_DENY) return { errno: 'EINVAL' };
  for (const r of ranges) {
    if (r.nmsrs === 0) continue;
    if (r.flags & ~RANGE_VALID_MASK || r.flags === 0) return { errno: 'EINVAL' };
    // BITS_TO_LONGS(nmsrs) * sizeof(long)
    if (Math.ceil(r.nmsrs / 64) * 8 > MAX_BITMAP_SIZE) return { errno: 'EINVAL' };
  }
  return { ret: 0 };
}

export const setMsrFilter = (params: MsrExitParams) =>
  onFd<'ioctl:KVM_X86_SET_MSR_FILTER'>(['vm'], (state, event, ctx) => {
    const answer = filterAnswer(params, event.args.flags, event.args.ranges);
    pushAnswer(ctx, answer);
    return state;
  });

/** kvm_vm_ioctl_check_extension(): KVM_CAP_X86_USER_SPACE_MSR and KVM_CAP_X86_MSR_FILTER are in the `r = 1` list from 5.10; unknown caps read 0. */
export const capability =
  (params: MsrExitParams) =>
  (_state: MachineState, _vm: Vm | undefined): number =>
    params.userSpaceMsr ? 1 : 0;
