import { test } from 'node:test';
import assert from 'node:assert/strict';
import { given, type Ev } from './given.js';

const on = (e: Omit<Ev, 'vm' | 'vcpu'>, ts: number): Ev => ({ ...e, vm: 0, vcpu: 0, ts });
const map = (gpa: number | null, ts = 1): Ev =>
  on({ kind: 'guest', name: 'page_table_update', args: { va: '0xffff800000001000', gpa, user: false } }, ts);
const register = (addr: string, ts = 2): Ev =>
  on({ kind: 'hypercall', name: 'VCPUOP_register_runstate_memory_area', args: { vcpu: 0, addr } }, ts);
const mode = (m: 'user' | 'kernel', ts: number): Ev => on({ kind: 'guest', name: 'guest_mode', args: { mode: m } }, ts);
const out = (ts: number): Ev => on({ kind: 'context_switch', name: 'vcpu_deschedule', args: { state: 'runnable' } }, ts);
const phys = (addr: string, ts: number): Ev =>
  on({ kind: 'hypercall', name: 'VCPUOP_register_runstate_phys_area', args: { vcpu: 0, addr } }, ts);
const SWITCH = ['xen-runstate/va-at-switch'];
const REGISTER = ['xen-runstate/va-at-register'];
const AREA = '0xffff800000001040';

test('given a kernel-only mapping, when the vCPU is switched out in user mode, then va-at-switch fails the walk and the copy goes stale', () => {
  const r = given('aarch64', SWITCH, [map(0x5000), register(AREA), mode('user', 3), out(4)]);
  assert.deepEqual(r.effects, [{ kind: 'log', message: `(XEN) d0v0: Failed to walk page-table va ${AREA}` }]);
  assert.equal(r.state.vms[0]!.vcpus[0]!.runstate.state, 'runnable');
  assert.equal(r.state.vms[0]!.vcpus[0]!.runstateCopy!.state, 'running');
});

test('given the same, then va-at-register writes the pages it captured at the hypercall', () => {
  const r = given('aarch64', REGISTER, [map(0x5000), register(AREA), mode('user', 3), out(4)]);
  assert.equal(r.state.vms[0]!.vcpus[0]!.runstateCopy!.state, 'runnable');
  assert.equal(r.state.vms[0]!.vcpus[0]!.runstateCopy!.gpa, '0x5040');
  assert.deepEqual(r.state.vms[0]!.vcpus[0]!.runstateCopy!.time, [3, 0, 0, 0]);
});

test('given VMASST_TYPE_runstate_update_flag, when the area is written, then XEN_RUNSTATE_UPDATE is set before and cleared after', () => {
  const assist = on({ kind: 'hypercall', name: 'vm_assist', args: { cmd: 'enable', type: 5 } }, 0);
  const r = given('aarch64', SWITCH, [assist, map(0x5000), register(AREA), out(4)]);
  assert.deepEqual(
    r.effects.map((e) => (e.kind === 'guest_write' ? e.what : e.kind)),
    ['state_entry_time |= XEN_RUNSTATE_UPDATE', 'vcpu_runstate_info', 'state_entry_time &= ~XEN_RUNSTATE_UPDATE'],
  );
  const plain = given('aarch64', SWITCH, [map(0x5000), register(AREA), out(4)]);
  assert.deepEqual(
    plain.effects.map((e) => e.kind),
    ['guest_write'],
  );
});

test('given a remap of the area, then va-at-switch follows it and va-at-register keeps the old page', () => {
  const events = [map(0x5000), register(AREA), map(0x9000, 3), out(4)];
  assert.equal(given('aarch64', SWITCH, events).state.vms[0]!.vcpus[0]!.runstateCopy!.gpa, '0x9040');
  assert.equal(given('aarch64', REGISTER, events).state.vms[0]!.vcpus[0]!.runstateCopy!.gpa, '0x5040');
});

test('given va-at-register, when the area is misaligned or unmapped, then EINVAL; 0 unregisters', () => {
  assert.deepEqual(given('aarch64', REGISTER, [map(0x5000), register('0xffff800000001044')]).effects[0], {
    kind: 'result',
    errno: 'EINVAL',
  });
  assert.deepEqual(given('aarch64', REGISTER, [register(AREA)]).effects[0], { kind: 'result', errno: 'EINVAL' });
  assert.deepEqual(given('aarch64', SWITCH, [register(AREA)]).effects[0], { kind: 'result', ret: 0 });
  const gone = given('aarch64', REGISTER, [map(0x5000), register(AREA), register('0x0', 3)]);
  assert.equal(gone.state.vms[0]!.vcpus[0]!.runstateArea, undefined);
});

test('given va-at-register, when the area spans two pages, then both must be mapped and both are captured', () => {
  const second = on({ kind: 'guest', name: 'page_table_update', args: { va: '0xffff800000002000', gpa: 0x7000, user: false } }, 1);
  const edge = '0xffff800000001ff0';
  assert.deepEqual(given('aarch64', REGISTER, [map(0x5000), register(edge)]).effects[0], { kind: 'result', errno: 'EINVAL' });
  const r = given('aarch64', REGISTER, [map(0x5000), second, register(edge)]);
  assert.deepEqual(r.state.vms[0]!.vcpus[0]!.runstateArea!.pages, ['0x5000', '0x7000']);
});

const HVM = { xen_guest: 'hvm' };
const x86 = (policies: string[], events: Ev[], guest: Record<string, string> = HVM) => given('x86_64', policies, events, guest);

test('given phys-area on x86, when a physical area is registered, then it wins over the virtual one, uses the update flag, and may not cross a page', () => {
  const PHYS = ['xen-runstate/phys-area'];
  assert.deepEqual(x86(PHYS, [phys('0x5ff0', 1)]).effects[0], { kind: 'result', errno: 'ENXIO' });
  assert.deepEqual(x86(PHYS, [phys('0x5004', 1)]).effects[0], { kind: 'result', errno: 'ENXIO' });
  // Registration itself: a plain copy (runstate_area_populate), no update flag.
  assert.deepEqual(
    x86(PHYS, [phys('0x8000', 1)]).effects.map((e) => (e.kind === 'guest_write' ? e.what : e.kind)),
    ['result', 'vcpu_runstate_info'],
  );
  const r = x86(PHYS, [map(0x5000), register(AREA), phys('0x8000', 3), mode('user', 4), out(5)]);
  assert.equal(r.state.vms[0]!.vcpus[0]!.runstateCopy!.gpa, '0x8000');
  assert.equal(r.effects.length, 3);
  assert.equal(
    r.effects.some((e) => e.kind === 'log'),
    false,
  );
  const off = x86(PHYS, [map(0x5000), register(AREA), phys('0x8000', 3), phys('0xffffffffffffffff', 4)]);
  assert.equal(off.state.vms[0]!.vcpus[0]!.runstatePhysArea, undefined);
  assert.deepEqual(x86(SWITCH, [phys('0x8000', 1)]).effects, [{ kind: 'result', errno: 'ENOSYS' }]);
});

test("given Arm, when a physical area is registered, then EINVAL in every release: Arm's do_vcpu_op() forwards only two VCPUOPs", () => {
  for (const p of ['xen-runstate/phys-area', 'xen-runstate/va-at-switch', 'xen-runstate/va-at-switch-3.0']) {
    const r = given('aarch64', [p], [phys('0x8000', 1)]);
    assert.deepEqual(r.effects[0], { kind: 'result', errno: 'EINVAL' }, p);
    assert.equal(r.state.vms[0]?.vcpus[0]?.runstatePhysArea, undefined);
  }
  // So a KPTI guest on Arm keeps going stale on Xen 4.18+ too.
  const r = given('aarch64', ['xen-runstate/phys-area'], [map(0x5000), register(AREA), phys('0x8000', 3), mode('user', 4), out(5)]);
  assert.deepEqual(r.effects, [{ kind: 'log', message: `(XEN) d0v0: Failed to walk page-table va ${AREA}` }]);
});

test('given a 32-bit PV guest, then the physical area is 44 bytes at 4-byte alignment (compat_vcpu_runstate_info)', () => {
  const PV32 = { xen_guest: 'pv32' };
  assert.deepEqual(
    x86(['xen-runstate/phys-area'], [phys('0x5fd4', 1)], PV32).effects[0],
    { kind: 'result', ret: 0 },
    '44 bytes end at 0x5fff',
  );
  assert.deepEqual(x86(['xen-runstate/phys-area'], [phys('0x5fd4', 1)]).effects[0], { kind: 'result', errno: 'ENXIO' }, '48 bytes cross');
  assert.deepEqual(x86(['xen-runstate/phys-area'], [phys('0x5004', 1)], PV32).effects[0], { kind: 'result', ret: 0 });
});

const other = (name: string, addr: string): Ev => on({ kind: 'hypercall', name, args: { vcpu: 1, addr } }, 2);

test("given vCPU 0 registers vCPU 1's virtual area, then upstream and the Arm patch both copy vCPU 1's runstate at once (domain.c: vcpu_runstate_get() branch)", () => {
  for (const p of [SWITCH, REGISTER]) {
    const r = given('aarch64', p, [map(0x5000), other('VCPUOP_register_runstate_memory_area', AREA)]);
    assert.deepEqual(
      r.effects.map((e) => e.kind),
      ['result', 'guest_write'],
      p[0],
    );
    const write = r.effects[1]!;
    assert.ok(write.kind === 'guest_write' && write.vcpu === 1 && write.gpa === '0x5040', p[0]);
  }
});

test("given vCPU 0 registers vCPU 1's physical area, then nothing is written until vCPU 1 next updates (runstate_area_populate: only v == current)", () => {
  const r = x86(['xen-runstate/phys-area'], [map(0x5000), other('VCPUOP_register_runstate_phys_area', '0x8000')]);
  assert.deepEqual(r.effects, [{ kind: 'result', ret: 0 }]);
});

test('given the update flag, then the copy itself carries XEN_RUNSTATE_UPDATE and registration copies never use the protocol', () => {
  const assist = on({ kind: 'hypercall', name: 'vm_assist', args: { cmd: 'enable', type: 5 } }, 0);
  const reg = given('aarch64', SWITCH, [assist, map(0x5000), register(AREA)]);
  assert.deepEqual(
    reg.effects.map((e) => (e.kind === 'guest_write' ? e.what : e.kind)),
    ['result', 'vcpu_runstate_info'],
  );
  const upd = given('aarch64', SWITCH, [assist, map(0x5000), register(AREA), out(4)]);
  const copy = upd.effects[1]!;
  assert.ok(copy.kind === 'guest_write' && (copy.value as { xenRunstateUpdate?: boolean }).xenRunstateUpdate === true);
});
