import { hex, toBig } from '../../../model/address.js';
import type { EventOf, TraceEvent } from '../../../model/event.js';
import type { MachineState, Vcpu, Vm } from '../../../model/state.js';
import type { ReduceContext } from '../../context.js';
import { vcpuForTraceEvent } from '../../reducers/vcpu-thread.js';
import { withVcpu } from '../../update.js';
import { guestType, NO_AREA, PAGE, runstateLayout } from './abi.js';
import { walkArea } from './guest-tables.js';
import type { RunstateParams } from './params.js';
import { writeRunstate } from './update.js';

// The two registration hypercalls (xen/include/public/vcpu.h): VCPUOP_register_runstate_memory_area (5)
// by guest virtual address, and from Xen 4.18 VCPUOP_register_runstate_phys_area (14) by physical one.

/** The vCPU a VCPUOP names, and the calling vCPU (`caller`), whose page tables a guest handle is copied through. */
function target(
  state: MachineState,
  event: TraceEvent,
  vcpuId: number | undefined,
): { state: MachineState; vm: Vm; vcpu: Vcpu; caller: Vcpu; current: boolean } {
  const { state: next, ref } = vcpuForTraceEvent(state, event);
  if (vcpuId === undefined || vcpuId === ref.vcpu.id) return { state: next, vm: ref.vm, vcpu: ref.vcpu, caller: ref.vcpu, current: true };
  const other = ref.vm.vcpus.find((v) => v.id === vcpuId);
  if (other) return { state: next, vm: ref.vm, vcpu: other, caller: ref.vcpu, current: false };
  const { state: made, ref: created } = vcpuForTraceEvent(next, { ...event, tid: undefined, vcpu: vcpuId });
  return { state: made, vm: created.vm, vcpu: created.vcpu, caller: ref.vcpu, current: false };
}

type Registration = EventOf<'hypercall:VCPUOP_register_runstate_memory_area' | 'hypercall:VCPUOP_register_runstate_phys_area'>;

function registration(state: MachineState, event: Registration): { addr: bigint; t: ReturnType<typeof target> } {
  return { addr: toBig(event.args.addr)!, t: target(state, event as TraceEvent, event.args.vcpu) };
}

/**
 * VCPUOP_register_runstate_memory_area (common_vcpu_op()). Upstream stores the guest handle and copies the
 * runstate at once in both branches: `if ( v == current ) __copy_to_guest(runstate_guest(v), &v->runstate,
 * 1); else { vcpu_runstate_get(v, &runstate); __copy_to_guest(runstate_guest(v), &runstate, 1); }` (the '-'
 * lines of the seed 002 v3 diff). The copy goes through the calling vCPU's live page tables, and its failure
 * is ignored (rc stays 0). The 2020 Arm patch (seed 002 v3, setup_runstate_vcpu_locked) checks 64-bit
 * alignment, translates the page(s) now (EINVAL when unmapped), keeps them, memcpy()s the runstate in both
 * branches too, and 0 unregisters. Neither registration copy uses the XEN_RUNSTATE_UPDATE protocol.
 */
export function registerVirtual(
  params: RunstateParams,
  state: MachineState,
  event: EventOf<'hypercall:VCPUOP_register_runstate_memory_area'>,
  ctx: ReduceContext,
): MachineState {
  const { addr, t } = registration(state, event);
  const { runstateArea: _old, ...vcpu } = t.vcpu;
  const guest = guestType(t.state);
  const size = runstateLayout(guest).size;
  const plain = { updateFlag: false, wideFlag: false };
  if (addr === 0n) {
    ctx.effects.push({ kind: 'result', ret: 0 });
    return withVcpu(t.state, t.vm.id, vcpu);
  }
  if (params.translateAt === 'register') {
    const fail = (message: string): MachineState => {
      ctx.effects.push(
        { kind: 'result', errno: 'EINVAL' },
        { kind: 'log', message: `(XEN) Cannot map runstate pointer at ${hex(addr)}: ${message}` },
      );
      // The patch unmaps the old area before it maps the new one, so a failed call leaves none.
      return withVcpu(t.state, t.vm.id, vcpu);
    };
    if ((addr & (PAGE - 1n)) % 8n !== 0n) return fail('Invalid offset');
    const walk = walkArea(t.vm, t.vcpu, addr, size, guest);
    if (walk.failedAt !== undefined) return fail(walk.failedAt === addr ? 'Page is not mapped' : '2nd Page is not mapped');
    ctx.effects.push({ kind: 'result', ret: 0 });
    const registered: Vcpu = { ...vcpu, runstateArea: { addr: hex(addr), pages: walk.pages } };
    return writeRunstate(
      withVcpu(t.state, t.vm.id, registered),
      ctx,
      t.vm,
      registered,
      BigInt(walk.pages[0]!) + (addr & (PAGE - 1n)),
      plain,
    );
  }
  ctx.effects.push({ kind: 'result', ret: 0 });
  const walk = walkArea(t.vm, t.caller, addr, size, guest);
  const registered: Vcpu = { ...vcpu, runstateArea: { addr: hex(addr), pages: walk.pages } };
  const next = withVcpu(t.state, t.vm.id, registered);
  if (walk.failedAt !== undefined) {
    ctx.effects.push({
      kind: 'log',
      message: `__copy_to_guest to ${hex(walk.failedAt)} failed (not mapped in the caller's page tables); the hypercall still returns 0`,
    });
    return next;
  }
  return writeRunstate(next, ctx, t.vm, registered, BigInt(walk.pages[0]!) + (addr & (PAGE - 1n)), plain);
}

/**
 * VCPUOP_register_runstate_phys_area. Arm's do_vcpu_op() (xen/arch/arm/domain.c, 4.17 lines 1094-1110,
 * 4.18, staging) forwards only VCPUOP_register_vcpu_info and VCPUOP_register_runstate_memory_area:
 * `default: return -EINVAL;` in every release, although XENFEAT_runstate_phys_area is advertised on Arm
 * from 4.18 (48a3fd14327f). On x86 before 4.18 common_vcpu_op() does not know op 14: -ENOSYS. From 4.18
 * map_guest_area() (eadc288cbb0d) returns -ENXIO when the area crosses a page (`gfn != PFN_DOWN(gaddr +
 * size - 1)`) or is not aligned to alignof(xen_ulong_t), 8 (a 32-bit guest: compat_ulong_t, 4, and a
 * 44-byte area); ~0 unregisters. Its gfn checks (EINVAL/EPERM/EAGAIN for a gfn that is no RAM) need the
 * guest's memory map, which no event gives. runstate_area_populate() copies the runstate only `if ( v ==
 * current )`, plainly, and clears need_update_runstate_area.
 */
export function registerPhysical(
  params: RunstateParams,
  state: MachineState,
  event: EventOf<'hypercall:VCPUOP_register_runstate_phys_area'>,
  ctx: ReduceContext,
): MachineState {
  const guest = guestType(state);
  if (guest === 'arm') {
    ctx.effects.push(
      { kind: 'result', errno: 'EINVAL' },
      { kind: 'log', message: "Arm's do_vcpu_op() knows only VCPUOP_register_vcpu_info and VCPUOP_register_runstate_memory_area" },
    );
    return state;
  }
  if (!params.physArea) {
    ctx.effects.push({ kind: 'result', errno: 'ENOSYS' });
    return state;
  }
  const { addr, t } = registration(state, event);
  const { runstatePhysArea: _old, runstateRetry: _retry, ...vcpu } = t.vcpu;
  if (addr === NO_AREA) {
    ctx.effects.push({ kind: 'result', ret: 0 });
    return withVcpu(t.state, t.vm.id, vcpu);
  }
  const { size, align } = runstateLayout(guest);
  const refuse = (why: string): MachineState => {
    ctx.effects.push({ kind: 'result', errno: 'ENXIO' }, { kind: 'log', message: `runstate phys area at ${hex(addr)} ${why}` });
    return t.state;
  };
  if ((addr & ~(PAGE - 1n)) !== ((addr + size - 1n) & ~(PAGE - 1n))) return refuse(`crosses a page boundary (${size} bytes)`);
  if (addr % align !== 0n) return refuse(`is not aligned to ${align} bytes`);
  ctx.effects.push({ kind: 'result', ret: 0 });
  const registered: Vcpu = { ...vcpu, runstatePhysArea: hex(addr) };
  const next = withVcpu(t.state, t.vm.id, registered);
  return t.current ? writeRunstate(next, ctx, t.vm, registered, addr, { updateFlag: false, wideFlag: false }) : next;
}
