import type { EnableCapDecision, EnableCapRequest } from '../define.js';
import type { MachineState, Vm } from '../../../model/state.js';

// Capabilities a VMM enables on an x86 VM at setup that only set a flag or a limit:
// kvm_vm_ioctl_enable_cap() (arch/x86/kvm/x86.c, Linux 6.18.2), which refuses any cap->flags first
// (lines 6741-6742, `if (cap->flags) return -EINVAL;`).

/** KVM_MAX_VCPU_IDS = KVM_MAX_VCPUS * KVM_VCPU_ID_RATIO (kvm_host.h line 68): CONFIG_KVM_MAX_NR_VCPUS (1024 to 4096) times 4. */
const MAX_VCPU_IDS_AT_LEAST = 4 * 1024;
const MAX_VCPU_IDS_AT_MOST = 4 * 4096;

function flagged<D extends EnableCapDecision | undefined>(request: EnableCapRequest, set: (args0: bigint) => D): EnableCapDecision | D {
  return request.flags ? { errno: 'EINVAL', why: 'flags must be 0' } : set(request.args[0] ?? 0n);
}

/** KVM_CAP_EXCEPTION_PAYLOAD (lines 6815-6818): `kvm->arch.exception_payload_enabled = cap->args[0]; r = 0;`. */
export const enableExceptionPayload = (request: EnableCapRequest): EnableCapDecision =>
  flagged(request, (a) => ({ accept: true, vm: { exceptionPayload: a !== 0n }, why: 'exception payloads in KVM_GET/SET_VCPU_EVENTS' }));

/** KVM_CAP_X86_TRIPLE_FAULT_EVENT (lines 6819-6822): `kvm->arch.triple_fault_event = cap->args[0]; r = 0;`. */
export const enableTripleFaultEvent = (request: EnableCapRequest): EnableCapDecision =>
  flagged(request, (a) => ({ accept: true, vm: { tripleFaultEvent: a !== 0n }, why: 'a pending triple fault in KVM_GET/SET_VCPU_EVENTS' }));

/**
 * KVM_CAP_MAX_VCPU_ID (lines 6902-6916): EINVAL above KVM_MAX_VCPU_IDS or below the boot vCPU's id
 * (kvm->arch.bsp_vcpu_id, KVM_SET_BOOT_CPU_ID's); 0 when it sets the first limit or repeats it; EINVAL
 * when it changes a set one. Not predicted between the two bounds KVM_MAX_VCPU_IDS can have, nor after a
 * KVM_ENABLE_CAP or KVM_SET_BOOT_CPU_ID whose argument the trace does not show.
 */
export const enableMaxVcpuId = (request: EnableCapRequest, _state: MachineState, vm: Vm): EnableCapDecision | undefined =>
  flagged(request, (a): EnableCapDecision | undefined => {
    if (a > BigInt(MAX_VCPU_IDS_AT_MOST)) return { errno: 'EINVAL', why: `args[0] ${a} is above KVM_MAX_VCPU_IDS` };
    if (a > BigInt(MAX_VCPU_IDS_AT_LEAST) || (vm.unseenEnableCaps ?? 0) > 0 || vm.bootCpuId === null) return undefined;
    if (BigInt(vm.bootCpuId ?? 0) > a) return { errno: 'EINVAL', why: `the boot vCPU's id ${vm.bootCpuId} is above ${a}` };
    const set = vm.maxVcpuIds ?? 0;
    if (set === 0 || BigInt(set) === a) return { accept: true, vm: { maxVcpuIds: Number(a) }, why: `vCPU ids up to ${a}` };
    return { errno: 'EINVAL', why: `the limit is already ${set}` };
  });
