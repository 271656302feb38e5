import { hex } from '../../../model/address.js';
import type { EventOf } from '../../../model/event.js';
import type { MachineState, RunState, Vcpu, Vm } from '../../../model/state.js';
import type { ReduceContext } from '../../context.js';
import { vcpuForTraceEvent } from '../../reducers/vcpu-thread.js';
import { enterRunstate } from '../../runstate.js';
import { withVcpu } from '../../update.js';
import { guestType, PAGE, runstateLayout, VMASST_TYPE_runstate_update_flag, XEN_RUNSTATE_UPDATE } from './abi.js';
import { walkArea } from './guest-tables.js';
import type { RunstateParams } from './params.js';

// update_runstate_area() at a context switch (x86 and Arm xen/arch/<arch>/domain.c up to 4.17, common
// xen/common/domain.c from 4.18 (32ae027f81ae)), and x86 PV's retry when the guest returns to kernel mode.

/**
 * One copy of struct vcpu_runstate_info to the guest at `gpa`. With `updateFlag`, XEN_RUNSTATE_UPDATE
 * is set in the guest's state_entry_time first, the struct is copied with it set, and it is cleared
 * again. How wide the flag stores are differs (seen in 4.17 x86 and Arm, and 4.18/staging common code):
 * the virtual area's are one byte, the top byte of state_entry_time (`guest_handle--;
 * __raw_copy_to_guest(guest_handle, (void *)(&runstate.state_entry_time + 1) - 1, 1)`), in every
 * release; the physical area's (4.18+) and the never-merged Arm patch's are 8-byte write_atomic()s.
 */
export function writeRunstate(
  state: MachineState,
  ctx: ReduceContext,
  vm: Vm,
  vcpu: Vcpu,
  gpa: bigint,
  how: { updateFlag: boolean; wideFlag: boolean },
): MachineState {
  const { runstate } = vcpu;
  const layout = runstateLayout(guestType(state));
  const info = { state: runstate.state, stateEntryTime: runstate.stateEntryTime, time: runstate.time };
  const who = { kind: 'guest_write' as const, vm: vm.id, vcpu: vcpu.id };
  const entryTime = gpa + layout.entryTime;
  const flagAt = how.wideFlag ? entryTime : entryTime + 7n;
  const flag = (set: boolean) =>
    how.wideFlag
      ? { gpa: hex(flagAt), bytes: 8, value: { stateEntryTime: runstate.stateEntryTime, xenRunstateUpdate: set } }
      : { gpa: hex(flagAt), bytes: 1, value: hex(set ? XEN_RUNSTATE_UPDATE >> 56n : 0n) };
  if (how.updateFlag) ctx.effects.push({ ...who, what: 'state_entry_time |= XEN_RUNSTATE_UPDATE', ...flag(true) });
  ctx.effects.push({
    ...who,
    gpa: hex(gpa),
    bytes: Number(layout.size),
    what: 'vcpu_runstate_info',
    value: how.updateFlag ? { ...info, xenRunstateUpdate: true } : info,
  });
  if (how.updateFlag) ctx.effects.push({ ...who, what: 'state_entry_time &= ~XEN_RUNSTATE_UPDATE', ...flag(false) });
  return withVcpu(state, vm.id, { ...vcpu, runstateCopy: { gpa: hex(gpa), ...info, seq: ctx.event.seq } });
}

/** The virtual area's writes use the flag only under VMASST_TYPE_runstate_update_flag. */
function virtualFlag(params: RunstateParams, vm: Vm): { updateFlag: boolean; wideFlag: boolean } {
  const on = params.updateFlag && (vm.vmAssist ?? []).includes(VMASST_TYPE_runstate_update_flag);
  // The 2020 Arm patch stores the flag with write_atomic() (seed 002, lines 301-303).
  return { updateFlag: on, wideFlag: params.translateAt === 'register' };
}

/**
 * update_runstate_area(): a registered physical area wins over the virtual one and always uses the
 * flag ("NB: No VM_ASSIST(v->domain, runstate_update_flag) check here", 4.18 line 1696), then returns;
 * the virtual one is walked now (upstream) or written where it was captured (the Arm patch).
 */
export function updateArea(params: RunstateParams, state: MachineState, ctx: ReduceContext, vmId: number, vcpuId: number): MachineState {
  const vm = state.vms[vmId]!;
  const vcpu = vm.vcpus.find((v) => v.id === vcpuId)!;
  if (params.physArea && vcpu.runstatePhysArea)
    return writeRunstate(state, ctx, vm, vcpu, BigInt(vcpu.runstatePhysArea), { updateFlag: true, wideFlag: true });
  const area = vcpu.runstateArea;
  if (!area) return state;
  const va = BigInt(area.addr);
  const guest = guestType(state);
  if (params.translateAt === 'register')
    return writeRunstate(state, ctx, vm, vcpu, BigInt(area.pages[0]!) + (va & (PAGE - 1n)), virtualFlag(params, vm));
  const walk = walkArea(vm, vcpu, va, runstateLayout(guest).size, guest);
  if (walk.failedAt !== undefined) return walkFailed(params, state, ctx, vm, vcpu, walk.failedAt);
  const walked: Vcpu = { ...vcpu, runstateArea: { ...area, pages: walk.pages } };
  return writeRunstate(
    withVcpu(state, vm.id, walked),
    ctx,
    vm,
    walked,
    BigInt(walk.pages[0]!) + (va & (PAGE - 1n)),
    virtualFlag(params, vm),
  );
}

/**
 * The walk failed: the copy is dropped and the guest's area keeps what it had. x86's _update_runstate_area():
 * `if ( !update_runstate_area(v) && is_pv_vcpu(v) && !(v->arch.flags & TF_kernel_mode) )
 * v->arch.pv.need_update_runstate_area = 1;` (4.4+), so a 64-bit PV guest gets it written later; HVM
 * and Arm do not. Arm logs the failed walk (seed 002: "p2m.c:1890: d1v0: Failed to walk page-table va").
 */
function walkFailed(params: RunstateParams, state: MachineState, ctx: ReduceContext, vm: Vm, vcpu: Vcpu, va: bigint): MachineState {
  const guest = guestType(state);
  if (guest === 'arm') {
    ctx.effects.push({ kind: 'log', message: `(XEN) d${vm.id}v${vcpu.id}: Failed to walk page-table va ${hex(va)}` });
    return state;
  }
  if (guest === undefined) {
    ctx.effects.push({
      kind: 'unmodelled',
      reason: 'whether Xen retries a failed runstate update depends on PV or HVM (host fact xen_guest)',
    });
    return state;
  }
  if (guest === 'pv64' && params.pvUserModeRetry && vcpu.guestMode === 'user') {
    ctx.effects.push({
      kind: 'log',
      message: `runstate area ${hex(va)} not mapped in user mode: need_update_runstate_area, written at the next switch to kernel mode`,
    });
    return withVcpu(state, vm.id, { ...vcpu, runstateRetry: true });
  }
  return state;
}

/**
 * x86 PV _toggle_guest_pt() (xen/arch/x86/pv/domain.c, 4.17 lines 424-453), on the way to kernel mode:
 * `if ( v->arch.pv.need_update_runstate_area && update_runstate_area(v) ) v->arch.pv.need_update_runstate_area = 0;`.
 * The copy is of the runstate as it is then (running), not of the one the failed update had.
 */
export function retryOnKernelEntry(
  params: RunstateParams,
  state: MachineState,
  ref: { vm: Vm; vcpu: Vcpu },
  ctx: ReduceContext,
): MachineState {
  if (!ref.vcpu.runstateRetry || ref.vcpu.guestMode !== 'kernel') return state;
  const { runstateRetry: _done, ...vcpu } = ref.vcpu;
  const updated = updateArea(params, withVcpu(state, ref.vm.id, vcpu), ctx, ref.vm.id, vcpu.id);
  const written = updated.vms[ref.vm.id]!.vcpus.find((v) => v.id === vcpu.id)!.runstateCopy?.seq === ctx.event.seq;
  // A copy that fails in kernel mode too leaves the flag set for the next toggle.
  return written ? updated : state;
}

/** Xen changes the vCPU's run state, then copies it to the guest (context_switch() updates prev and next). */
export function contextSwitch(
  params: RunstateParams,
  state: MachineState,
  event: EventOf<'context_switch:vcpu_deschedule' | 'context_switch:vcpu_schedule'>,
  ctx: ReduceContext,
): MachineState {
  const { state: next, ref } = vcpuForTraceEvent(state, event);
  const to: RunState = 'state' in event.args ? event.args.state : 'running';
  const changed = withVcpu(next, ref.vm.id, { ...ref.vcpu, runstate: enterRunstate(ref.vcpu.runstate, to, event.ts ?? next.now) });
  return updateArea(params, changed, ctx, ref.vm.id, ref.vcpu.id);
}
