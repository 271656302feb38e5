import { hex, toBig } from '../../../model/address.js';
import type { EventOf } from '../../../model/event.js';
import type { MachineState } from '../../../model/state.js';
import type { ReduceContext } from '../../context.js';
import { eventPid } from '../../lookup.js';
import { withVm } from '../../update.js';
import type { VmCreateDecision } from '../define.js';
import type { MipsParams } from './params.js';

// MIPS KVM has two kinds of VM: trap-and-emulate (T&E), which runs the guest kernel in user mode
// with its segments moved into useg, and VZ, the hardware virtualization ASE (seed 003,
// Documentation/virt/kvm/api.rst KVM_CREATE_VM).
//
// No upstream kernel offered both. From 4.12 to 5.12 arch/mips/kvm/Kconfig has a `choice`
// "Virtualization mode" with KVM_MIPS_TE (default) and KVM_MIPS_VZ, so one kernel build is one mode,
// and the commit that redefined the types (15e9e35cd1de, 5.9) says so: "Since VZ and TE cannot
// co-exists". The host fact is therefore the build's mode, the scenario's `host: { kvm_mips_mode: vz|te }`.
// A VZ build on a CPU without VZ has no KVM at all: kvm_mips_emulation_init() in arch/mips/kvm/vz.c
// returns -ENODEV when !cpu_has_vz; `host: { vz: false }` with a VZ build is refused the same way here.

export type MipsBuild = 'vz' | 'te';

function buildMode(state: MachineState): MipsBuild | undefined {
  const mode = state.host.features?.kvm_mips_mode;
  return mode === 'vz' || mode === 'te' ? mode : undefined;
}

/**
 * No KVM to ask: the VZ build's module does not load on a CPU without VZ (vz.c kvm_mips_emulation_init():
 * `if (!cpu_has_vz) return -ENODEV`), and a T&E build of a mips64 (64-bit) kernel cannot exist where
 * KVM_MIPS_TE depends on CPU_MIPS32_R2 or is gone (MipsParams.teBuild).
 */
function noKvm(params: MipsParams, state: MachineState, mode: MipsBuild): boolean {
  if (mode === 'te') return params.teBuild !== 'any';
  return state.host.features?.vz === false;
}

/**
 * kvm_arch_init_vm() in arch/mips/kvm/mips.c. 4.12 to 5.8: `switch (type) { #ifdef CONFIG_KVM_MIPS_VZ
 * case KVM_VM_MIPS_VZ: #else case KVM_VM_MIPS_TE: #endif break; default: return -EINVAL; }`: only the
 * build's own type number is accepted. 5.9 (15e9e35cd1de) adds `case KVM_VM_MIPS_AUTO: break;` in front
 * and renumbers (AUTO 0, VZ 1, TE 2). Either way the VM is of the build's kind: the type only gates.
 */
export function mipsVmCreate(policy: MipsParams, type: number, state: MachineState): VmCreateDecision | undefined {
  const mode = buildMode(state);
  if (mode === undefined) return undefined; // the scenario did not say how the host kernel was built
  if (noKvm(policy, state, mode)) return undefined; // no /dev/kvm to ask: nothing to predict
  const meaning = policy.types[type];
  const build = mode === 'vz' ? 'CONFIG_KVM_MIPS_VZ' : 'CONFIG_KVM_MIPS_TE';
  if (meaning === 'auto')
    return {
      accept: true,
      vm: { flavor: mode },
      why: `type ${type} is KVM_VM_MIPS_AUTO: a ${build} kernel makes a ${mode === 'vz' ? 'VZ' : 'T&E'} VM`,
    };
  if (meaning === mode)
    return {
      accept: true,
      vm: { flavor: mode },
      why: `type ${type} is KVM_VM_MIPS_${mode.toUpperCase()}, the mode this kernel was built for (${build})`,
    };
  if (meaning)
    return {
      errno: 'EINVAL',
      why: `type ${type} is KVM_VM_MIPS_${meaning.toUpperCase()}, but this kernel was built with ${build}; kvm_arch_init_vm() takes only its own type`,
    };
  return { errno: 'EINVAL', why: `type ${type} is no KVM_VM_MIPS_* of this kernel` };
}

/**
 * kvm_vm_ioctl_check_extension() in arch/mips/kvm/mips.c answers both /dev/kvm and VM fds (the
 * system ioctl calls it with kvm == NULL) and passes unknown caps to kvm_mips_callbacks->check_extension:
 * trap_emul.c answers KVM_CAP_MIPS_TE = 1, vz.c answers KVM_CAP_MIPS_VZ = 1 ("we wouldn't be here unless
 * cpu_has_vz"), each 0 for the other. So the answer is the build's, the same on either fd.
 */
export function mipsCapability(params: MipsParams, cap: 'KVM_CAP_MIPS_VZ' | 'KVM_CAP_MIPS_TE', state: MachineState): number | undefined {
  const mode = buildMode(state);
  if (mode === undefined || noKvm(params, state, mode)) return undefined;
  return (cap === 'KVM_CAP_MIPS_VZ') === (mode === 'vz') ? 1 : 0;
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
export function loadKernel(state: MachineState, event: EventOf<'guest:load_kernel'>, ctx: ReduceContext): MachineState {
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
