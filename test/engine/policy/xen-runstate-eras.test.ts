import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Effect } from '../../../src/model/effect.js';
import { given, type Ev } from './given.js';

// What changed around update_runstate_area() from release to release, and what the guest type decides.

const on = (e: Omit<Ev, 'vm' | 'vcpu'>, ts: number): Ev => ({ ...e, vm: 0, vcpu: 0, ts });
const map = on({ kind: 'guest', name: 'page_table_update', args: { va: '0xffff800000001000', gpa: 0x5000, user: false } }, 1);
const register = on({ kind: 'hypercall', name: 'VCPUOP_register_runstate_memory_area', args: { vcpu: 0, addr: '0xffff800000001040' } }, 2);
const phys = on({ kind: 'hypercall', name: 'VCPUOP_register_runstate_phys_area', args: { vcpu: 0, addr: '0x8000' } }, 2);
const assist = on({ kind: 'hypercall', name: 'vm_assist', args: { cmd: 'enable', type: 5 } }, 0);
const mode = (m: 'user' | 'kernel', ts: number): Ev => on({ kind: 'guest', name: 'guest_mode', args: { mode: m } }, ts);
const out = (ts: number): Ev => on({ kind: 'context_switch', name: 'vcpu_deschedule', args: { state: 'runnable' } }, ts);
const back = (ts: number): Ev => on({ kind: 'context_switch', name: 'vcpu_schedule', args: {} }, ts);
const writes = (effects: Effect[]) => effects.filter((e) => e.kind === 'guest_write');

test('the virtual area sets XEN_RUNSTATE_UPDATE with a 1-byte store of the top byte of state_entry_time; the physical area with an 8-byte write_atomic()', () => {
  const virtual = writes(given('aarch64', ['xen-runstate/phys-area'], [assist, map, register, out(4)]).effects);
  assert.deepEqual(
    virtual.map((e) => e.kind === 'guest_write' && [e.what, e.gpa, e.bytes]),
    [
      ['state_entry_time |= XEN_RUNSTATE_UPDATE', '0x504f', 1],
      ['vcpu_runstate_info', '0x5040', 48],
      ['state_entry_time &= ~XEN_RUNSTATE_UPDATE', '0x504f', 1],
    ],
  );
  const physical = writes(given('x86_64', ['xen-runstate/phys-area'], [phys, out(4)], { xen_guest: 'hvm' }).effects);
  assert.deepEqual(
    physical.map((e) => e.kind === 'guest_write' && [e.what, e.gpa, e.bytes]),
    [
      ['state_entry_time |= XEN_RUNSTATE_UPDATE', '0x8008', 8],
      ['vcpu_runstate_info', '0x8000', 48],
      ['state_entry_time &= ~XEN_RUNSTATE_UPDATE', '0x8008', 8],
    ],
  );
  const [patchFlag] = writes(given('aarch64', ['xen-runstate/va-at-register'], [assist, map, register, out(4)]).effects);
  assert.deepEqual(patchFlag?.kind === 'guest_write' && [patchFlag.gpa, patchFlag.bytes], ['0x5048', 8], 'the Arm patch: write_atomic()');
});

test('given a 64-bit PV guest switched out in user mode, then Xen 4.4+ writes the area at its next switch to kernel mode, with the runstate of then', () => {
  const PV64 = { xen_guest: 'pv64' };
  const events = [assist, map, register, mode('user', 3), out(4), back(5)];
  const late = given('x86_64', ['xen-runstate/va-at-switch'], [...events, mode('kernel', 6)], PV64);
  assert.equal(late.states[4]!.vms[0]!.vcpus[0]!.runstateRetry, true, 'need_update_runstate_area after the failed update');
  assert.deepEqual(
    late.effects.map((e) => e.kind === 'guest_write' && e.what),
    ['state_entry_time |= XEN_RUNSTATE_UPDATE', 'vcpu_runstate_info', 'state_entry_time &= ~XEN_RUNSTATE_UPDATE'],
  );
  const copy = late.state.vms[0]!.vcpus[0]!.runstateCopy!;
  assert.equal(copy.state, 'running', 'not the runnable of the deschedule: v->runstate when the toggle happens');
  assert.equal(copy.seq, 6);
  assert.equal(late.state.vms[0]!.vcpus[0]!.runstateRetry, undefined);
  const before44 = given(
    'x86_64',
    ['xen-runstate/va-at-switch-3.0'],
    [map, register, mode('user', 3), out(4), back(5), mode('kernel', 6)],
    PV64,
  );
  assert.deepEqual(before44.effects, [], 'Xen 4.3 and older drop the update');
  const hvm = given('x86_64', ['xen-runstate/va-at-switch'], [...events, mode('kernel', 6)], { xen_guest: 'hvm' });
  assert.deepEqual(hvm.effects, [], 'HVM: nothing is retried; the area stays stale until a switch in kernel mode');
});

test('given a 32-bit PV guest, then user mode sees the kernel mapping (one page table, kernel in ring 1): no failed walk', () => {
  const r = given('x86_64', ['xen-runstate/va-at-switch'], [map, register, mode('user', 3), out(4)], { xen_guest: 'pv32' });
  assert.equal(r.state.vms[0]!.vcpus[0]!.runstateCopy!.state, 'runnable');
});

test('given an x86 guest of unknown type, when the walk fails in user mode, then what follows is not predicted', () => {
  const r = given('x86_64', ['xen-runstate/va-at-switch'], [map, register, mode('user', 3), out(4)]);
  assert.equal(r.effects[0]!.kind, 'unmodelled');
});

test('vm_assist(VMASST_TYPE_runstate_update_flag): EINVAL before Xen 4.8 for PV, ENOSYS for Arm before 4.8 and HVM before 4.14', () => {
  const r = (p: string, arch: string, guest?: Record<string, string>) => given(arch, [`xen-runstate/${p}`], [assist], guest).effects[0];
  assert.deepEqual(r('va-at-switch-4.4', 'x86_64', { xen_guest: 'pv64' }), { kind: 'result', errno: 'EINVAL' });
  assert.deepEqual(r('va-at-switch-4.8', 'x86_64', { xen_guest: 'pv64' }), { kind: 'result', ret: 0 });
  assert.deepEqual(r('va-at-switch-4.4', 'aarch64'), { kind: 'result', errno: 'ENOSYS' });
  assert.deepEqual(r('va-at-switch-4.8', 'aarch64'), { kind: 'result', ret: 0 });
  assert.deepEqual(r('va-at-switch-4.8', 'x86_64', { xen_guest: 'hvm' }), { kind: 'result', errno: 'ENOSYS' });
  assert.deepEqual(r('va-at-switch', 'x86_64', { xen_guest: 'hvm' }), { kind: 'result', ret: 0 });
  const other = given('aarch64', ['xen-runstate/phys-area'], [on({ kind: 'hypercall', name: 'vm_assist', args: { type: 2 } }, 0)]);
  assert.deepEqual(other.effects[0], { kind: 'result', errno: 'EINVAL' }, "Arm's mask has only the update flag");
});

test('without a valid update flag, updates are plain copies', () => {
  const r = given('x86_64', ['xen-runstate/va-at-switch-4.4'], [assist, map, register, out(4)], { xen_guest: 'hvm' });
  assert.deepEqual(
    r.effects.map((e) => e.kind),
    ['guest_write'],
  );
});
