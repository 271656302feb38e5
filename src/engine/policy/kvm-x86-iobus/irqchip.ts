import type { EventKey, EventOf } from '../../../model/event.js';
import type { MachineState, Vm } from '../../../model/state.js';
import { pushAnswer, type Answer } from '../../reducers/answer.js';
import { onFd } from '../../reducers/ioctl-target.js';
import type { EnableCapDecision, EnableCapRequest, EventReducer } from '../define.js';
import { lapicInKernel } from './devices.js';
import { busOf, resolve, withBus } from './mode.js';
import type { VmIoBus } from './state.js';

// The VM ioctls that make or need KVM's irqchip and PIT: kvm_arch_vm_ioctl() (arch/x86/kvm/x86.c,
// Linux 6.18.2 lines 7284-7458) and kvm_vm_ioctl_enable_cap() (lines 6738-6775). Since 6.18 the
// irqchip and PIT ioctls exist only with CONFIG_KVM_IOAPIC (`#ifdef CONFIG_KVM_IOAPIC`, default y):
// without it they reach the end of the switch, -ENOTTY. A trace does not say how its kernel was
// built, so they are predicted only where the host fact `kvm_ioapic` says (a scenario, or a profile).
// Where the model cannot tell, the kernel's answer decides the state (mode.ts resolve()).

const built = (state: MachineState): boolean | undefined => state.host.features?.kvm_ioapic;

/** What the call returned: the prediction where there is one, else what the trace observed. */
function returned(outcome: Answer, event: { result?: { ret?: number | string; errno?: string } }): 'ok' | string | undefined {
  if ('ret' in outcome) return 'ok';
  if ('errno' in outcome) return outcome.errno;
  return event.result?.errno ?? (event.result?.ret === 0 ? 'ok' : undefined);
}

/** A VM ioctl of this area: decide, push, and apply what came back. */
function vmIoctl<K extends EventKey>(
  decide: (state: MachineState, vm: Vm, bus: VmIoBus, event: EventOf<K>) => Answer,
  apply: (vm: Vm, bus: VmIoBus, answer: string, event: EventOf<K>) => VmIoBus,
): EventReducer<K> {
  return onFd<K>(['vm'], (state, event, ctx, on) => {
    const vm = on.vm!;
    const bus = busOf(vm);
    const outcome = decide(state, vm, bus, event);
    pushAnswer(ctx, outcome);
    const answer = returned(outcome, event);
    const next = answer === undefined ? bus : apply(vm, bus, answer, event);
    return next === vm.iobus ? state : withBus(state, vm, next);
  });
}

const unchanged = (_vm: Vm, bus: VmIoBus): VmIoBus => bus;

/** `r = -EEXIST; if (irqchip_in_kernel(kvm))`, `r = -EINVAL; if (kvm->created_vcpus)`, then the PIC and IOAPIC. */
export const createIrqchip = vmIoctl<'ioctl:KVM_CREATE_IRQCHIP'>(
  (state, vm, bus) => {
    const has = built(state);
    if (has === false) return { errno: 'ENOTTY' };
    if (has === undefined) return { unmodelled: 'KVM_CREATE_IRQCHIP needs CONFIG_KVM_IOAPIC (host fact kvm_ioapic not given)' };
    if (bus.irqchip === 'full' || bus.irqchip === 'split') return { errno: 'EEXIST' };
    if (bus.irqchip === 'none-or-split') return { unmodelled: 'an unseen KVM_ENABLE_CAP may have made a split irqchip (then EEXIST)' };
    if (vm.vcpus.length > 0) return { errno: 'EINVAL' };
    return { ret: 0 };
  },
  (vm, bus, answer) => (answer === 'ok' ? { ...bus, irqchip: 'full' } : answer === 'EEXIST' ? resolve(vm, bus, 'split') : bus),
);

/** KVM_CREATE_PIT2 (lines 7331-7350): `-EEXIST` with a PIT, `-ENOENT` without an in-kernel PIC (split counts as none). */
export const createPit2 = vmIoctl<'ioctl:KVM_CREATE_PIT2'>(
  (state, _vm, bus) => {
    const has = built(state);
    if (has === false) return { errno: 'ENOTTY' };
    if (has === undefined) return { unmodelled: 'KVM_CREATE_PIT2 needs CONFIG_KVM_IOAPIC (host fact kvm_ioapic not given)' };
    if (bus.pit) return { errno: 'EEXIST' };
    if (bus.irqchip !== 'full') return { errno: 'ENOENT' };
    return { ret: 0 };
  },
  // KVM_PIT_SPEAKER_DUMMY (1) puts the PC speaker at 0x61 (kvm_create_pit(), arch/x86/kvm/i8254.c lines 779-784).
  (_vm, bus, answer, event) =>
    answer === 'ok' ? { ...bus, pit: { speaker: event.args.flags === undefined ? 'unknown' : (event.args.flags & 1) === 1 } } : bus,
);

/** KVM_IRQ_LINE(_STATUS): kvm_vm_ioctl_irq_line() (arch/x86/kvm/irq.c lines 279-289), `if (!irqchip_in_kernel(kvm)) return -ENXIO;`. */
export const irqLine = <K extends 'ioctl:KVM_IRQ_LINE' | 'ioctl:KVM_IRQ_LINE_STATUS'>(): EventReducer<K> =>
  vmIoctl<K>(
    (_state, _vm, bus) =>
      bus.irqchip === 'none'
        ? { errno: 'ENXIO' }
        : bus.irqchip === 'none-or-split'
          ? { unmodelled: 'whether an unseen KVM_ENABLE_CAP made a split irqchip' }
          : { ret: 0 },
    (vm, bus, answer) => (answer === 'ok' ? resolve(vm, bus, 'split') : answer === 'ENXIO' ? resolve(vm, bus, 'none') : bus),
  );

/** KVM_GET/SET_IRQCHIP (lines 7351-7395): `if (!irqchip_full(kvm)) -ENXIO`; chip_id 0-2 (PIC master, slave, IOAPIC), else -EINVAL. */
export const irqchipState = <K extends 'ioctl:KVM_GET_IRQCHIP' | 'ioctl:KVM_SET_IRQCHIP'>(): EventReducer<K> =>
  vmIoctl<K>((state, _vm, bus, event) => {
    const has = built(state);
    if (has === false) return { errno: 'ENOTTY' };
    if (bus.irqchip !== 'full')
      return has === undefined ? { unmodelled: 'ENOTTY or ENXIO: host fact kvm_ioapic not given' } : { errno: 'ENXIO' };
    const chip = event.args.chip_id;
    if (chip === undefined) return { unmodelled: 'struct kvm_irqchip traced without chip_id' };
    return chip <= 2 ? { ret: 0 } : { errno: 'EINVAL' };
  }, unchanged);

/** KVM_GET/SET_PIT2 (lines 7422-7446): `r = -ENXIO; if (!kvm->arch.vpit)`; kvm_vm_ioctl_get_pit2()/set_pit2() return 0. */
export const pitState = <K extends 'ioctl:KVM_GET_PIT2' | 'ioctl:KVM_SET_PIT2'>(): EventReducer<K> =>
  vmIoctl<K>((state, _vm, bus) => {
    if (bus.pit) return { ret: 0 };
    const has = built(state);
    if (has === false) return { errno: 'ENOTTY' };
    return has === undefined ? { unmodelled: 'ENOTTY or ENXIO: host fact kvm_ioapic not given' } : { errno: 'ENXIO' };
  }, unchanged);

/**
 * KVM_ENABLE_CAP(KVM_CAP_SPLIT_IRQCHIP) (lines 6743, 6756-6775): `if (cap->flags) return -EINVAL;`,
 * args[0] above MAX_NR_RESERVED_IOAPIC_PINS (KVM_MAX_IRQ_ROUTES, 4096: arch/x86/kvm/ioapic.h) is
 * -EINVAL, an irqchip already there or vCPUs already made -EEXIST.
 */
export function enableSplitIrqchip(request: EnableCapRequest, _state: MachineState, vm: Vm): EnableCapDecision | undefined {
  if (request.flags) return { errno: 'EINVAL', why: 'flags must be 0' };
  const pins = request.args[0] ?? 0n;
  if (pins > 4096n) return { errno: 'EINVAL', why: `args[0] ${pins} is above MAX_NR_RESERVED_IOAPIC_PINS (4096)` };
  const bus = busOf(vm);
  if (bus.irqchip === 'full' || bus.irqchip === 'split') return { errno: 'EEXIST', why: 'the VM has an irqchip already' };
  if (bus.irqchip === 'none-or-split') return undefined;
  if (vm.vcpus.length > 0) return { errno: 'EEXIST', why: 'vCPUs exist already' };
  return { accept: true, vm: { iobus: { ...bus, irqchip: 'split' } }, why: `split irqchip, ${pins} IOAPIC pins reserved for userspace` };
}

/** KVM_NR_INTERRUPTS (arch/x86/include/uapi/asm/kvm.h line 60). */
const NR_INTERRUPTS = 256;

/**
 * KVM_INTERRUPT (lines 6252-6260), kvm_vcpu_ioctl_interrupt() (lines 5396-5421): EINVAL for a vector
 * from KVM_NR_INTERRUPTS on; without an in-kernel irqchip the vector is queued, 0; with the full
 * irqchip (its PIC) -ENXIO; with the split one an ExtINT, refused with -EEXIST while one is pending,
 * which hangs on when the guest took the last (not predicted).
 */
export const interrupt = onFd<'ioctl:KVM_INTERRUPT'>(['vcpu'], (state, event, ctx, on) => {
  const irq = event.args.irq;
  const chip = busOf(on.vm!).irqchip;
  let outcome: Answer;
  if (irq === undefined) outcome = { unmodelled: 'struct kvm_interrupt not shown' };
  else if (irq >= NR_INTERRUPTS) outcome = { errno: 'EINVAL' };
  else if (chip === 'none') outcome = { ret: 0 };
  else if (chip === 'full') outcome = { errno: 'ENXIO' };
  else
    outcome = {
      unmodelled: chip === 'split' ? 'whether an ExtINT is still pending' : 'whether an unseen KVM_ENABLE_CAP made a split irqchip',
    };
  pushAnswer(ctx, outcome);
  return state;
});

/** A vCPU ioctl that needs an in-kernel LAPIC (`r = -EINVAL; if (!lapic_in_kernel(vcpu))`, lines 6221-6260, 6341). */
export function needsLapic<K extends 'ioctl:KVM_GET_LAPIC' | 'ioctl:KVM_SET_LAPIC'>(
  withLapic: (vm: Vm, event: EventOf<K>, vcpuId: number) => Answer,
): EventReducer<K> {
  return onFd<K>(['vcpu'], (state, event, ctx, on) => {
    const vm = on.vm!;
    const bus = busOf(vm);
    const present = lapicInKernel(bus);
    const outcome: Answer =
      present === false
        ? { errno: 'EINVAL' }
        : present === 'unknown'
          ? { unmodelled: 'whether the VM has in-kernel LAPICs (an unseen KVM_ENABLE_CAP)' }
          : withLapic(vm, event, on.vcpu!.id);
    pushAnswer(ctx, outcome);
    if (present !== 'unknown') return state;
    const answer = returned(outcome, event);
    return answer === 'ok'
      ? withBus(state, vm, resolve(vm, bus, 'split'))
      : answer === 'EINVAL'
        ? withBus(state, vm, resolve(vm, bus, 'none'))
        : state;
  });
}
