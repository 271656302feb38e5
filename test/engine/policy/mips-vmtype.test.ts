import { test } from 'node:test';
import assert from 'node:assert/strict';
import { given, type Ev } from './given.js';

// arch/mips/kvm/mips.c kvm_arch_init_vm() and the build's check_extension (trap_emul.c / vz.c).

const open: Ev = { kind: 'syscall', name: 'openat', args: { path: '/dev/kvm' }, result: { ret: 3 } };
const create = (type: number): Ev => ({ kind: 'ioctl', name: 'KVM_CREATE_VM', args: { fd: 3, type }, result: { ret: 4 } });
const sysCap = (cap: string): Ev => ({ kind: 'ioctl', name: 'KVM_CHECK_EXTENSION', args: { fd: 3, cap } });
const vmCap: Ev = { kind: 'ioctl', name: 'KVM_CHECK_EXTENSION', args: { fd: 4, cap: 'KVM_CAP_MIPS_VZ' } };
const load = (link: number): Ev => ({ kind: 'guest', name: 'load_kernel', args: { link_address: link } });
const VZ = { kvm_mips_mode: 'vz' };
const TE = { kvm_mips_mode: 'te' };
const OLD = 'mips-vmtype/linux-4.12';
const NEW = 'mips-vmtype/linux-5.9';
/** 4.14.199+, 4.19.147+, 5.4.67+: the 5.9 numbers, and T&E still builds for mips64. */
const BACKPORT = 'mips-vmtype/linux-5.9-backport';
const R2 = 'mips-vmtype/linux-5.8.6';
const NO_TE = 'mips-vmtype/linux-5.13';
const EINVAL = { kind: 'result', errno: 'EINVAL' };

const rows: { kernel: string; build: Record<string, string>; type: number; then: 'te' | 'vz' | 'EINVAL' | 'no such build' }[] = [
  { kernel: OLD, build: VZ, type: 0, then: 'EINVAL' },
  { kernel: OLD, build: VZ, type: 1, then: 'vz' },
  { kernel: OLD, build: TE, type: 0, then: 'te' },
  { kernel: OLD, build: TE, type: 1, then: 'EINVAL' },
  { kernel: OLD, build: TE, type: 2, then: 'EINVAL' },
  { kernel: NEW, build: VZ, type: 0, then: 'vz' },
  { kernel: NEW, build: VZ, type: 1, then: 'vz' },
  { kernel: NEW, build: VZ, type: 2, then: 'EINVAL' },
  { kernel: BACKPORT, build: VZ, type: 0, then: 'vz' },
  { kernel: BACKPORT, build: TE, type: 0, then: 'te' },
  { kernel: BACKPORT, build: TE, type: 1, then: 'EINVAL' },
  { kernel: BACKPORT, build: TE, type: 2, then: 'te' },
  // 01edc5e76ecf: `config KVM_MIPS_TE ... depends on CPU_MIPS32_R2`, which a 64-bit kernel cannot select.
  { kernel: NEW, build: TE, type: 0, then: 'no such build' },
  { kernel: R2, build: TE, type: 0, then: 'no such build' },
  { kernel: R2, build: VZ, type: 1, then: 'vz' },
  { kernel: R2, build: VZ, type: 0, then: 'EINVAL' },
  // 45c7e8af4a5e removed T&E: `case KVM_VM_MIPS_AUTO: case KVM_VM_MIPS_VZ: break; default: return -EINVAL;`.
  { kernel: NO_TE, build: VZ, type: 0, then: 'vz' },
  { kernel: NO_TE, build: VZ, type: 2, then: 'EINVAL' },
  { kernel: NO_TE, build: TE, type: 0, then: 'no such build' },
];

for (const row of rows) {
  test(`given ${row.kernel} built for ${row.build.kvm_mips_mode}, when KVM_CREATE_VM type ${row.type}, then ${row.then}`, () => {
    const run = given('mips64', [row.kernel], [open, create(row.type)], row.build);
    if (row.then === 'EINVAL') {
      assert.deepEqual(run.effects[0], EINVAL);
      assert.equal(run.state.vms.length, 0);
    } else if (row.then === 'no such build') {
      assert.equal(run.effects[0]!.kind, 'unmodelled');
    } else {
      assert.equal(run.state.vms[0]!.flavor, row.then);
    }
  });
}

test("given a kernel that has the build, then KVM_CAP_MIPS_VZ / KVM_CAP_MIPS_TE are the build's answer, the same on /dev/kvm and on a VM fd", () => {
  for (const kernel of [OLD, BACKPORT]) {
    assert.deepEqual(given('mips64', [kernel], [open, sysCap('KVM_CAP_MIPS_VZ')], VZ).effects, [{ kind: 'result', ret: 1 }]);
    assert.deepEqual(given('mips64', [kernel], [open, sysCap('KVM_CAP_MIPS_TE')], VZ).effects, [{ kind: 'result', ret: 0 }]);
    assert.deepEqual(given('mips64', [kernel], [open, sysCap('KVM_CAP_MIPS_VZ')], TE).effects, [{ kind: 'result', ret: 0 }]);
    assert.deepEqual(given('mips64', [kernel], [open, sysCap('KVM_CAP_MIPS_TE')], TE).effects, [{ kind: 'result', ret: 1 }]);
  }
  assert.deepEqual(given('mips64', [OLD], [open, create(1), vmCap], VZ).effects, [{ kind: 'result', ret: 1 }]);
  assert.deepEqual(given('mips64', [BACKPORT], [open, create(0), vmCap], TE).effects, [{ kind: 'result', ret: 0 }]);
  assert.equal(
    given('mips64', [NEW], [open, sysCap('KVM_CAP_MIPS_TE')], TE).effects[0]!.kind,
    'unmodelled',
    'no T&E build of a mips64 kernel from 5.8.6',
  );
});

test('given a VZ build on a CPU without VZ, then there is no KVM to predict for (vz.c returns -ENODEV at init)', () => {
  const run = given('mips64', [NEW], [open, create(0)], { kvm_mips_mode: 'vz', vz: false });
  assert.equal(run.effects[0]!.kind, 'unmodelled');
});

test('given a T&E VM, then only a kernel linked in the relocated KSEG0 (0x40000000) runs; a VZ VM needs 0x80000000', () => {
  const te = (link: number) => given('mips64', [OLD], [open, create(0), load(link)], TE).state.vms[0]!.guestKernel!.runs;
  assert.equal(te(0x40100000), true);
  assert.equal(te(0x80100000), false);
  const vz = (link: number) => given('mips64', [NEW], [open, create(0), load(link)], VZ).state.vms[0]!.guestKernel!.runs;
  assert.equal(vz(0x80100000), true);
  assert.equal(vz(0x40100000), false);
});

test('given a scenario that does not say how the host kernel was built, then KVM_CREATE_VM is unmodelled rather than guessed', () => {
  assert.equal(given('mips64', [NEW], [open, create(0)]).effects[0]!.kind, 'unmodelled');
  assert.equal(given('mips64', [NEW], [open, create(0)], { vz: true, te: true }).effects[0]!.kind, 'unmodelled');
});
