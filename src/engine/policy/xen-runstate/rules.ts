import { hex, toBig } from '../../../model/address.js';
import type { EventOf, TraceEvent } from '../../../model/event.js';
import type { MachineState, RunState, Vcpu, Vm } from '../../../model/state.js';
import type { ReduceContext } from '../../context.js';
import { vcpuForTraceEvent } from '../../reducers/vcpu-thread.js';
import { enterRunstate } from '../../runstate.js';
import { withVcpu, withVm } from '../../update.js';
import type { RunstateParams } from './params.js';

// Xen's runstate area (xen/include/public/vcpu.h), shared by the three xen-runstate policies.
// Events (vm/vcpu on the event are the vCPU that runs or makes the call):
//   hypercall: vm_assist {cmd: enable|disable, type}            HYPERVISOR_vm_assist
//   hypercall: VCPUOP_register_runstate_memory_area {vcpu, addr} (5)
//   hypercall: VCPUOP_register_runstate_phys_area {vcpu, addr}   (14, Xen 4.18+)
//   guest: page_table_update {va, gpa|null, user}                the guest maps or unmaps a page
//   guest: guest_mode {mode}                                      (core) kernel/user, i.e. KPTI's page-table switch
//   context_switch: vcpu_deschedule {state} / vcpu_schedule       Xen switches the vCPU out / in

export const VCPUOP_register_runstate_memory_area = 5;
export const VCPUOP_register_runstate_phys_area = 14;
export const VMASST_TYPE_runstate_update_flag = 5;
/** xen/include/public/vcpu.h: XEN_RUNSTATE_UPDATE is bit 63 of state_entry_time. */
export const XEN_RUNSTATE_UPDATE = 1n << 63n;
/** sizeof(struct vcpu_runstate_info) on 64-bit: int state + pad, uint64 state_entry_time, uint64 time[4]. */
export const RUNSTATE_INFO_SIZE = 48n;
const PAGE = 4096n;
const NO_AREA = (1n << 64n) - 1n;

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

type Target = ReturnType<typeof target>;
type Registration = EventOf<'hypercall:VCPUOP_register_runstate_memory_area' | 'hypercall:VCPUOP_register_runstate_phys_area'>;

/** What both registration hypercalls start with: the address and the vCPU whose area it is. */
function registration(state: MachineState, event: Registration): { addr: bigint; t: Target } {
  return { addr: toBig(event.args.addr)!, t: target(state, event as TraceEvent, event.args.vcpu) };
}

export function vmAssist(state: MachineState, event: EventOf<'hypercall:vm_assist'>, ctx: ReduceContext): MachineState {
  const { state: next, ref } = vcpuForTraceEvent(state, event);
  const type = event.args.type;
  const enable = event.args.cmd !== 'disable';
  const now = new Set(ref.vm.vmAssist ?? []);
  if (enable) now.add(type);
  else now.delete(type);
  ctx.effects.push({ kind: 'result', ret: 0 });
  return withVm(next, { ...ref.vm, vmAssist: [...now].sort((a, b) => a - b) });
}

export function pageTableUpdate(state: MachineState, event: EventOf<'guest:page_table_update'>): MachineState {
  const { state: next, ref } = vcpuForTraceEvent(state, event);
  const va = toBig(event.args.va)!;
  const key = hex(va & ~(PAGE - 1n));
  const tables = { ...(ref.vm.guestPageTables ?? {}) };
  const gpa = event.args.gpa;
  if (gpa === null) delete tables[key];
  else tables[key] = { gpa: hex(toBig(gpa)! & ~(PAGE - 1n)), user: event.args.user };
  return withVm(next, { ...ref.vm, guestPageTables: tables });
}

/** The guest's page-table walk for one address in the vCPU's current mode: the gpa, or undefined. */
export function translate(vm: Vm, vcpu: Vcpu, va: bigint): bigint | undefined {
  const entry = vm.guestPageTables?.[hex(va & ~(PAGE - 1n))];
  if (!entry) return undefined;
  // Under KPTI the user-mode page tables do not map the kernel: only `user` entries are there.
  if (vcpu.guestMode === 'user' && !entry.user) return undefined;
  return BigInt(entry.gpa) + (va & (PAGE - 1n));
}

/** The guest pages an area at `va` covers, walked now; undefined if a page is not mapped. */
function walkArea(vm: Vm, vcpu: Vcpu, va: bigint): { pages: string[]; failedAt?: bigint } {
  const first = translate(vm, vcpu, va);
  if (first === undefined) return { pages: [], failedAt: va };
  const pages = [hex(first & ~(PAGE - 1n))];
  const last = va + RUNSTATE_INFO_SIZE - 1n;
  if ((last & ~(PAGE - 1n)) !== (va & ~(PAGE - 1n))) {
    const second = translate(vm, vcpu, last & ~(PAGE - 1n));
    if (second === undefined) return { pages: [], failedAt: last & ~(PAGE - 1n) };
    pages.push(hex(second));
  }
  return { pages };
}

/**
 * VCPUOP_register_runstate_memory_area (xen/common/domain.c common_vcpu_op / do_vcpu_op). Upstream
 * stores the guest handle and copies the runstate at once in both branches: `if ( v == current )
 * __copy_to_guest(runstate_guest(v), &v->runstate, 1); else { vcpu_runstate_get(v, &runstate);
 * __copy_to_guest(runstate_guest(v), &runstate, 1); }` (the '-' lines of the seed 002 v3 diff). The
 * copy goes through the calling vCPU's live page tables, and its failure is ignored (rc stays 0).
 * The 2020 Arm patch (seed 002 v3, setup_runstate_vcpu_locked) checks 64-bit alignment, translates
 * the page(s) now (EINVAL when unmapped), keeps them, memcpy()s the runstate in both branches too,
 * and 0 unregisters. Neither registration copy uses the XEN_RUNSTATE_UPDATE protocol.
 */
export function registerVirtual(
  policy: RunstateParams,
  state: MachineState,
  event: EventOf<'hypercall:VCPUOP_register_runstate_memory_area'>,
  ctx: ReduceContext,
): MachineState {
  const { addr, t } = registration(state, event);
  const { runstateArea: _old, ...vcpu } = t.vcpu;
  if (addr === 0n) {
    ctx.effects.push({ kind: 'result', ret: 0 });
    return withVcpu(t.state, t.vm.id, vcpu);
  }
  if (policy.translateAt === 'register') {
    const fail = (message: string): MachineState => {
      ctx.effects.push({ kind: 'result', errno: 'EINVAL' });
      ctx.effects.push({ kind: 'log', message: `(XEN) Cannot map runstate pointer at ${hex(addr)}: ${message}` });
      // The patch unmaps the old area before it maps the new one, so a failed call leaves none.
      return withVcpu(t.state, t.vm.id, vcpu);
    };
    if ((addr & (PAGE - 1n)) % 8n !== 0n) return fail('Invalid offset');
    const walk = walkArea(t.vm, t.vcpu, addr);
    if (walk.failedAt !== undefined) return fail(walk.failedAt === addr ? 'Page is not mapped' : '2nd Page is not mapped');
    ctx.effects.push({ kind: 'result', ret: 0 });
    const registered: Vcpu = { ...vcpu, runstateArea: { addr: hex(addr), pages: walk.pages } };
    const next = withVcpu(t.state, t.vm.id, registered);
    return write(next, ctx, t.vm, registered, BigInt(walk.pages[0]!) + (addr & (PAGE - 1n)), false);
  }
  ctx.effects.push({ kind: 'result', ret: 0 });
  const walk = walkArea(t.vm, t.caller, addr);
  const registered: Vcpu = { ...vcpu, runstateArea: { addr: hex(addr), pages: walk.pages } };
  const next = withVcpu(t.state, t.vm.id, registered);
  if (walk.failedAt !== undefined) {
    ctx.effects.push({
      kind: 'log',
      message: `__copy_to_guest to ${hex(walk.failedAt)} failed (not mapped in the caller's page tables); the hypercall still returns 0`,
    });
    return next;
  }
  return write(next, ctx, t.vm, registered, BigInt(walk.pages[0]!) + (addr & (PAGE - 1n)), false);
}

/**
 * Xen 4.18 VCPUOP_register_runstate_phys_area: map_guest_area() (xen/common/domain.c) returns -ENXIO
 * when the area crosses a page (`gfn != PFN_DOWN(gaddr + size - 1)`) or is not aligned to
 * alignof(xen_ulong_t) (8 on 64-bit); ~0 unregisters. runstate_area_populate() then copies the
 * runstate only `if ( v == current )`, as a plain assignment: registering another vCPU's area writes
 * nothing until that vCPU's next update_runstate_area().
 */
export function registerPhysical(
  policy: RunstateParams,
  state: MachineState,
  event: EventOf<'hypercall:VCPUOP_register_runstate_phys_area'>,
  ctx: ReduceContext,
): MachineState {
  if (!policy.physArea) {
    ctx.effects.push({ kind: 'result', errno: 'ENOSYS' });
    return state;
  }
  const { addr, t } = registration(state, event);
  const { runstatePhysArea: _old, ...vcpu } = t.vcpu;
  if (addr === NO_AREA) {
    ctx.effects.push({ kind: 'result', ret: 0 });
    return withVcpu(t.state, t.vm.id, vcpu);
  }
  const refuse = (why: string): MachineState => {
    ctx.effects.push({ kind: 'result', errno: 'ENXIO' });
    ctx.effects.push({ kind: 'log', message: `runstate phys area at ${hex(addr)} ${why}` });
    return t.state;
  };
  if ((addr & ~(PAGE - 1n)) !== ((addr + RUNSTATE_INFO_SIZE - 1n) & ~(PAGE - 1n))) return refuse('crosses a page boundary');
  if (addr % 8n !== 0n) return refuse('is not aligned to alignof(xen_ulong_t)');
  ctx.effects.push({ kind: 'result', ret: 0 });
  const registered: Vcpu = { ...vcpu, runstatePhysArea: hex(addr) };
  const next = withVcpu(t.state, t.vm.id, registered);
  return t.current ? write(next, ctx, t.vm, registered, addr, false) : next;
}

/** Xen changes the vCPU's run state, then copies it to the guest (update_runstate_area() at context switch). */
export function contextSwitch(
  policy: RunstateParams,
  state: MachineState,
  event: EventOf<'context_switch:vcpu_deschedule' | 'context_switch:vcpu_schedule'>,
  ctx: ReduceContext,
): MachineState {
  const { state: next, ref } = vcpuForTraceEvent(state, event);
  const to: RunState = 'state' in event.args ? event.args.state : 'running';
  const changed = withVcpu(next, ref.vm.id, { ...ref.vcpu, runstate: enterRunstate(ref.vcpu.runstate, to, event.ts ?? next.now) });
  return updateArea(policy, changed, ctx, ref.vm.id, ref.vcpu.id);
}

/**
 * update_runstate_area(): a registered physical area wins over the virtual one (4.18) and always
 * uses the XEN_RUNSTATE_UPDATE protocol; the virtual one uses it when VMASST_TYPE_runstate_update_flag
 * is on. Upstream walks the guest page tables now; the Arm patch writes the pages it captured.
 */
function updateArea(policy: RunstateParams, state: MachineState, ctx: ReduceContext, vmId: number, vcpuId: number): MachineState {
  const vm = state.vms[vmId]!;
  const vcpu = vm.vcpus.find((v) => v.id === vcpuId)!;
  if (policy.physArea && vcpu.runstatePhysArea) return write(state, ctx, vm, vcpu, BigInt(vcpu.runstatePhysArea), true);
  const area = vcpu.runstateArea;
  if (!area) return state;
  const va = BigInt(area.addr);
  const flag = (vm.vmAssist ?? []).includes(VMASST_TYPE_runstate_update_flag);
  if (policy.translateAt === 'register') return write(state, ctx, vm, vcpu, BigInt(area.pages[0]!) + (va & (PAGE - 1n)), flag);
  const walk = walkArea(vm, vcpu, va);
  if (walk.failedAt !== undefined) {
    // seed 002: "(XEN) p2m.c:1890: d1v0: Failed to walk page-table va 0xffffff837ebe0cd0"; the area keeps its old contents.
    ctx.effects.push({ kind: 'log', message: `(XEN) d${vm.id}v${vcpu.id}: Failed to walk page-table va ${hex(walk.failedAt)}` });
    return state;
  }
  const walked = withVcpu(state, vm.id, { ...vcpu, runstateArea: { ...area, pages: walk.pages } });
  return write(
    walked,
    ctx,
    walked.vms[vm.id]!,
    walked.vms[vm.id]!.vcpus.find((v) => v.id === vcpuId)!,
    BigInt(walk.pages[0]!) + (va & (PAGE - 1n)),
    flag,
  );
}

/**
 * One copy of struct vcpu_runstate_info to the guest. With `updateFlag`, the XEN_RUNSTATE_UPDATE
 * protocol: the flag is set in the guest's state_entry_time, the whole struct is copied with the flag
 * still set in it (the copy is of a local runstate whose state_entry_time has the flag), then the flag
 * is cleared. Effects describe the state_entry_time field as the guest's reader sees it (the flag bit),
 * not the store width, which differs: upstream update_runstate_area() before 4.18 stores only the top
 * byte of state_entry_time (`(void *)(&runstate.state_entry_time + 1) - 1`, 1 byte, seed 002 '-'
 * lines); the 2020 Arm patch and the 4.18 physical area store all 8 bytes with write_atomic().
 */
function write(state: MachineState, ctx: ReduceContext, vm: Vm, vcpu: Vcpu, gpa: bigint, updateFlag: boolean): MachineState {
  const { runstate } = vcpu;
  const info = { state: runstate.state, stateEntryTime: runstate.stateEntryTime, time: runstate.time };
  const at = hex(gpa);
  const entryTimeAt = hex(gpa + 8n);
  if (updateFlag)
    ctx.effects.push({
      kind: 'guest_write',
      vm: vm.id,
      vcpu: vcpu.id,
      gpa: entryTimeAt,
      what: 'state_entry_time |= XEN_RUNSTATE_UPDATE',
      value: hex(XEN_RUNSTATE_UPDATE),
    });
  ctx.effects.push({
    kind: 'guest_write',
    vm: vm.id,
    vcpu: vcpu.id,
    gpa: at,
    what: 'vcpu_runstate_info',
    value: updateFlag ? { ...info, xenRunstateUpdate: true } : info,
  });
  if (updateFlag)
    ctx.effects.push({
      kind: 'guest_write',
      vm: vm.id,
      vcpu: vcpu.id,
      gpa: entryTimeAt,
      what: 'state_entry_time &= ~XEN_RUNSTATE_UPDATE',
      value: 0,
    });
  return withVcpu(state, vm.id, { ...vcpu, runstateCopy: { gpa: at, ...info, seq: ctx.event.seq } });
}
