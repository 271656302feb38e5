import type { MachineState, Vm } from '../../../model/state.js';
import { withVm } from '../../update.js';
import { emptyBus } from './devices.js';
import type { IrqchipMode, VmIoBus } from './state.js';

// The VM's irqchip as the model knows it. A KVM_ENABLE_CAP that strace printed without its capability
// (the core counts those it saw succeed, Vm.unseenEnableCaps) may have been KVM_CAP_SPLIT_IRQCHIP, so
// a VM without an irqchip after one has 'none-or-split' until the kernel's answer to an ioctl that
// needs an irqchip tells which (resolve()).

export function busOf(vm: Vm): VmIoBus {
  const bus = vm.iobus ?? emptyBus();
  if (bus.irqchip === 'none' && (vm.unseenEnableCaps ?? 0) > (bus.irqchipKnownAt ?? 0)) return { ...bus, irqchip: 'none-or-split' };
  return bus;
}

export function withBus(state: MachineState, vm: Vm, bus: VmIoBus): MachineState {
  return withVm(state, { ...state.vms[vm.id]!, iobus: bus });
}

/** An irqchip the kernel's answer revealed while the model could not tell: 'none' holds until another unseen KVM_ENABLE_CAP. */
export function resolve(vm: Vm, bus: VmIoBus, mode: Exclude<IrqchipMode, 'none-or-split'>): VmIoBus {
  if (bus.irqchip !== 'none-or-split') return bus;
  return mode === 'none' ? { ...bus, irqchip: 'none', irqchipKnownAt: vm.unseenEnableCaps ?? 0 } : { ...bus, irqchip: mode };
}
