import { toBig } from '../../../model/address.js';
import type { EventKey, EventOf } from '../../../model/event.js';
import type { MachineState, Vm } from '../../../model/state.js';
import { pushAnswer, type Answer } from '../../reducers/answer.js';
import { onFd } from '../../reducers/ioctl-target.js';
import { withVm } from '../../update.js';
import type { EventReducer } from '../define.js';

// VM-wide setup ioctls and what must come before what: kvm_arch_vm_ioctl() (arch/x86/kvm/x86.c,
// Linux 6.18.2). Only the upstream vendor modules are modelled (vmx, svm): an out-of-tree one (the
// recordings' kvm_pvm) answers its own ops.

export function vmIoctl<K extends EventKey>(decide: (state: MachineState, vm: Vm, event: EventOf<K>) => Answer): EventReducer<K> {
  return onFd<K>(['vm'], (state, event, ctx, on) => {
    const answer = decide(state, on.vm!, event);
    pushAnswer(ctx, answer);
    return state;
  });
}

const PAGE = 4096n;

/**
 * KVM_SET_TSS_ADDR (kvm_vm_ioctl_set_tss_addr(), lines 6688-6696): `if (addr > (unsigned int)(-3 *
 * PAGE_SIZE)) return -EINVAL;`, then the vendor: no vCPU rule. SVM leaves the op out
 * (KVM_X86_OP_OPTIONAL_RET0, arch/x86/include/asm/kvm-x86-ops.h line 93), VMX returns 0 with
 * unrestricted guests and otherwise makes a 3-page private memslot there (vmx_set_tss_addr(),
 * vmx/vmx.c lines 5063-5081), which only a user memslot in the way can fail.
 */
export const setTssAddr = vmIoctl<'ioctl:KVM_SET_TSS_ADDR'>((_state, vm, event) => {
  const addr = toBig(event.args.addr);
  if (addr === undefined) return { unmodelled: 'KVM_SET_TSS_ADDR without its address' };
  if (addr > 0x100000000n - 3n * PAGE) return { errno: 'EINVAL' };
  const end = addr + 3n * PAGE;
  const inTheWay = vm.memslots.some((m) => BigInt(m.guestPhysAddr) < end && addr < BigInt(m.guestPhysAddr) + BigInt(m.memorySize));
  return inTheWay ? { unmodelled: 'a memslot overlaps the TSS pages: VMX without unrestricted guests would fail (EEXIST)' } : { ret: 0 };
});

/**
 * KVM_SET_IDENTITY_MAP_ADDR (lines 7265-7277): `r = -EINVAL; if (kvm->created_vcpus)`, then the
 * vendor: vmx_set_identity_map_addr() stores it and returns 0 (vmx/vmx.c lines 5083-5087), SVM leaves
 * the op out (KVM_X86_OP_OPTIONAL_RET0, kvm-x86-ops.h line 94). api.rst 4.40: "Fails if any VCPU has
 * already been created."
 */
export const setIdentityMapAddr = vmIoctl<'ioctl:KVM_SET_IDENTITY_MAP_ADDR'>((_state, vm) =>
  vm.vcpus.length > 0 ? { errno: 'EINVAL' } : { ret: 0 },
);

/**
 * KVM_SET_BOOT_CPU_ID (lines 7460-7470): `if (kvm->created_vcpus) r = -EBUSY; else if (arg >
 * KVM_MAX_VCPU_IDS || (kvm->arch.max_vcpu_ids && arg > kvm->arch.max_vcpu_ids)) r = -EINVAL;`, else
 * the id is kvm->arch.bsp_vcpu_id. KVM_MAX_VCPU_IDS is 4 x CONFIG_KVM_MAX_NR_VCPUS (at least 1024), and
 * max_vcpu_ids comes from KVM_ENABLE_CAP(KVM_CAP_MAX_VCPU_ID), so an id above 4096 or after an unseen
 * KVM_ENABLE_CAP is not predicted.
 */
export const setBootCpuId = onFd<'ioctl:KVM_SET_BOOT_CPU_ID'>(['vm'], (state, event, ctx, on) => {
  const vm = on.vm!;
  const id = event.args.id;
  const limit = vm.maxVcpuIds ?? 0;
  let answer: Answer;
  if (vm.vcpus.length > 0) answer = { errno: 'EBUSY' };
  else if (id === undefined) answer = { unmodelled: 'KVM_SET_BOOT_CPU_ID without its id' };
  else if (limit > 0 && id > limit) answer = { errno: 'EINVAL' };
  else if (id > 4096 || (vm.unseenEnableCaps ?? 0) > 0)
    answer = { unmodelled: 'the id limit hangs on CONFIG_KVM_MAX_NR_VCPUS or KVM_CAP_MAX_VCPU_ID' };
  else answer = { ret: 0 };
  pushAnswer(ctx, answer);
  // Where the model cannot tell, the kernel's answer says whether the id (shown or not) was taken.
  const taken = 'ret' in answer || ('unmodelled' in answer && event.result?.ret === 0);
  return taken ? withVm(state, { ...vm, bootCpuId: id ?? null }) : state;
});

/** KVM_GET_CLOCK: kvm_vm_ioctl_get_clock() (lines 7185-7194) copies the clock out and returns 0. */
export const getClock = vmIoctl<'ioctl:KVM_GET_CLOCK'>(() => ({ ret: 0 }));

/** KVM_X86_GET_MCE_CAP_SUPPORTED on /dev/kvm (kvm_arch_dev_ioctl(), lines 5119-5125): copies kvm_caps.supported_mce_cap, 0. */
export const getMceCapSupported = onFd<'ioctl:KVM_X86_GET_MCE_CAP_SUPPORTED'>(['kvm'], (state, _event, ctx) => {
  ctx.effects.push({ kind: 'result', ret: 0 });
  return state;
});
