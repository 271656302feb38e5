import { toBig } from '../../model/address.js';
import { capName, PAGE_SIZE } from '../../model/kvm-abi.js';
import type { MachineState, Vm } from '../../model/state.js';
import { capabilityKind } from '../kvm/capability-kinds.js';
import { x86Capability } from '../kvm/capabilities.js';
import type { VmCreateDecision } from '../policy/define.js';
import { newFd } from '../lookup.js';
import { withProcess } from '../update.js';
import { onFd } from './ioctl-target.js';

// ioctls on the /dev/kvm fd, and KVM_CHECK_EXTENSION, which also works on a VM fd.

/** KVM_API_VERSION has been 12 since Linux 2.6.22 (include/uapi/linux/kvm.h). */
const KVM_API_VERSION = 12;

export const getApiVersion = onFd<'ioctl:KVM_GET_API_VERSION'>(['kvm'], (state, _event, ctx) => {
  ctx.effects.push({ kind: 'result', ret: KVM_API_VERSION });
  return state;
});

/**
 * kvm_dev_ioctl() (virt/kvm/kvm_main.c, 6.18.2 lines 5539-5549): a non-zero argument is EINVAL; else one
 * page for struct kvm_run, one for the PIO data on x86, one for the coalesced MMIO ring where the
 * architecture selects KVM_MMIO (arch/x86/kvm/Kconfig does). Other architectures are left unpredicted.
 */
export const getVcpuMmapSize = onFd<'ioctl:KVM_GET_VCPU_MMAP_SIZE'>(['kvm'], (state, event, ctx) => {
  const arg = toBig(event.args.arg ?? event.args.raw);
  if (arg === undefined) ctx.effects.push({ kind: 'unmodelled', reason: 'KVM_GET_VCPU_MMAP_SIZE without its argument' });
  else if (arg !== 0n) ctx.effects.push({ kind: 'result', errno: 'EINVAL' });
  else if (state.host.arch === 'x86_64') ctx.effects.push({ kind: 'result', ret: 3 * Number(PAGE_SIZE) });
  else ctx.effects.push({ kind: 'unmodelled', reason: `the kvm_run mmap size on ${state.host.arch} is not modelled` });
  return state;
});

/**
 * An area's answer where one claims the capability, else the core's table of answers no release since
 * 3.6, config or CPU changes, else the host's own (its build's, CPU's or machine's, from a host profile).
 */
export const checkExtension = onFd<'ioctl:KVM_CHECK_EXTENSION'>(['kvm', 'vm'], (state, event, ctx, on) => {
  const cap = capName(event.args.cap);
  const claimed = ctx.policies.capability(cap, state, on.vm);
  const core = state.host.arch === 'x86_64' ? x86Capability(cap) : undefined;
  const answer = claimed?.answer ?? core ?? hostAnswer(state, cap, on.vm !== undefined);
  ctx.effects.push(
    answer === undefined ? { kind: 'unmodelled', reason: `no active policy answers ${cap}` } : { kind: 'result', ret: answer },
  );
  return state;
});

/** A host profile's answer (HostFacts.kvm_caps), on the fd kind it was asked on there, else on the other. */
function hostAnswer(state: MachineState, cap: string, onVm: boolean): number | undefined {
  const caps = state.host.features?.kvm_caps;
  if (!caps || capabilityKind(cap) === 'version') return undefined;
  return onVm ? (caps.vm?.[cap] ?? caps.system?.[cap]) : (caps.system?.[cap] ?? caps.vm?.[cap]);
}

/**
 * x86 kvm_arch_init_vm() takes the types in kvm_caps.supported_vm_types; only KVM_X86_DEFAULT_VM (0) is
 * there on every host, the rest depend on SEV/TDX hardware. Other architectures' types belong to areas.
 */
function coreVmCreate(type: number, arch: string): VmCreateDecision | undefined {
  return arch === 'x86_64' && type === 0 ? { accept: true } : undefined;
}

export const createVm = onFd<'ioctl:KVM_CREATE_VM'>(['kvm'], (state, event, ctx, { process }) => {
  const type = event.args.type;
  const claimed = ctx.policies.vmCreate(type, state, process);
  const decision = claimed ? claimed.decision : coreVmCreate(type, state.host.arch);
  if (decision && 'errno' in decision) {
    ctx.effects.push({ kind: 'result', errno: decision.errno });
    ctx.effects.push({ kind: 'log', message: `KVM_CREATE_VM type ${type}: ${decision.why}` });
    return state;
  }
  if (!decision) {
    ctx.effects.push({ kind: 'unmodelled', reason: `no active policy decides KVM_CREATE_VM type ${type} on ${state.host.arch}` });
    // Without a prediction the observation decides whether a VM exists.
    if (event.result?.errno) return state;
  } else {
    ctx.effects.push({ kind: 'result', newFd: 'vm' });
  }
  const fd = newFd(process, event.result?.ret);
  const vm: Vm = {
    id: state.vms.length,
    pid: process.pid,
    fd,
    type,
    arch: state.host.arch,
    origin: 'created',
    status: 'running',
    createdAt: event.seq,
    memslots: [],
    vcpus: [],
    ...(decision?.vm ?? {}),
  };
  if (decision?.why) ctx.effects.push({ kind: 'log', message: `KVM_CREATE_VM type ${type}: ${decision.why}` });
  const changed = decision && 'process' in decision ? decision.process : undefined;
  const next = withProcess(state, { ...process, ...changed, fds: { ...process.fds, [fd]: { type: 'vm', vm: vm.id } } });
  return { ...next, vms: [...next.vms, vm] };
});
