import { hex, toBig } from '../../../model/address.js';
import type { MachineState, Vm } from '../../../model/state.js';
import type { ReduceContext } from '../../context.js';
import { eventPid } from '../../lookup.js';
import { withVm } from '../../update.js';
import type { VmCreateDecision } from '../types.js';
import type { MipsVmTypePolicy } from './policy.js';

// MIPS KVM has two kinds of VM: trap-and-emulate (T&E), which runs the guest kernel in user mode
// with its segments moved into useg, and VZ, the hardware virtualization ASE (seed 003,
// Documentation/virt/kvm/api.rst KVM_CREATE_VM). The host's abilities come from the scenario's
// `host:` map: `vz` and `te` (booleans).

function hostHas(state: MachineState, feature: 'vz' | 'te'): boolean | undefined {
  const value = state.host.features?.[feature];
  return typeof value === 'boolean' ? value : undefined;
}

/** kvm_arch_init_vm() in arch/mips/kvm/mips.c. */
export function mipsVmCreate(policy: MipsVmTypePolicy, type: number, state: MachineState): VmCreateDecision | undefined {
  if (state.host.arch !== 'mips64') return undefined;
  const vz = hostHas(state, 'vz');
  const te = hostHas(state, 'te');
  if (vz === undefined || te === undefined) return undefined; // the scenario did not say what the host can do
  const meaning = policy.types[type];
  if (!meaning) return { errno: 'EINVAL', why: `type ${type} is no KVM_VM_MIPS_* of this kernel` };
  const flavor = meaning === 'auto' ? (vz ? 'vz' : te ? 'te' : undefined) : meaning;
  if (flavor === undefined || (flavor === 'vz' && !vz) || (flavor === 'te' && !te)) return { errno: 'EINVAL', why: `this host has no ${meaning === 'auto' ? 'VZ or T&E' : meaning.toUpperCase()} support` };
  return { accept: true, flavor, why: `type ${type} (${meaning === 'auto' ? 'KVM_VM_MIPS_AUTO' : `KVM_VM_MIPS_${flavor.toUpperCase()}`}) makes a ${flavor === 'vz' ? 'VZ' : 'T&E'} VM` };
}

/** kvm_vm_ioctl_check_extension() in arch/mips/kvm/mips.c. */
export function mipsCapability(cap: string, state: MachineState, vm: Vm | undefined): number | undefined {
  if (state.host.arch !== 'mips64') return undefined;
  if (cap === 'KVM_CAP_MIPS_VZ') {
    // On a VM fd: whether this VM is VZ; on /dev/kvm: whether the host can make VZ VMs.
    if (vm) return vm.flavor === 'vz' ? 1 : 0;
    const vz = hostHas(state, 'vz');
    return vz === undefined ? undefined : vz ? 1 : 0;
  }
  if (cap === 'KVM_CAP_MIPS_TE') {
    const te = hostHas(state, 'te');
    return te === undefined ? undefined : te ? 1 : 0;
  }
  return undefined;
}

/** Where a 32-bit (or sign-extended 64-bit) guest kernel is linked. */
function segmentOf(address: bigint): 'kseg0/1' | 'te-kseg0/1' | 'te-kseg2/3' | 'useg' {
  const low = address & 0xffffffffn;
  if (low >= 0x80000000n) return 'kseg0/1';
  if (low >= 0x60000000n) return 'te-kseg2/3';
  if (low >= 0x40000000n) return 'te-kseg0/1';
  return 'useg';
}

/**
 * `guest: load_kernel` {link_address}: the VMM loads a guest kernel. Under T&E the guest's KSEG0/1
 * live at 0x40000000 and KSEG2/3 at 0x60000000 (seed 003: "kernel code running in
 * 0x40000000..0x7FFFFFFF"), so only a kernel linked there (CONFIG_KVM_GUEST) can run; a VZ guest has
 * the real segments, so it needs a kernel linked in KSEG0 (0x80000000).
 */
export function reduceMips(state: MachineState, ctx: ReduceContext): MachineState | undefined {
  const { event } = ctx;
  if (event.kind !== 'guest' || event.name !== 'load_kernel') return undefined;
  const link = toBig(event.args.link_address);
  const vm = event.vm !== undefined ? state.vms[event.vm] : state.vms.filter((v) => v.pid === eventPid(event)).at(-1);
  if (!vm || link === undefined || !vm.flavor) {
    ctx.effects.push({ kind: 'unmodelled', reason: 'load_kernel with no MIPS VM of known kind, or without link_address' });
    return state;
  }
  const segment = segmentOf(link);
  const runs = vm.flavor === 'te' ? segment === 'te-kseg0/1' : segment === 'kseg0/1';
  const kind = vm.flavor === 'te' ? 'T&E' : 'VZ';
  const why = runs
    ? `a kernel linked at ${hex(link)} (${segment}) fits a ${kind} VM`
    : vm.flavor === 'te'
      ? `a T&E VM moves the guest kernel segments to 0x40000000/0x60000000; a kernel linked at ${hex(link)} (${segment}) cannot run there`
      : `a VZ VM has the real segment layout; a kernel linked for T&E at ${hex(link)} (${segment}) runs from useg, where a VZ guest kernel has nothing mapped`;
  ctx.effects.push({ kind: 'log', message: why });
  return withVm(state, { ...vm, guestKernel: { linkAddress: hex(link), runs, why } });
}
