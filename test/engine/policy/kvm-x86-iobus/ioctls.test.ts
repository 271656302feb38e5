import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { given, type Ev } from '../given.js';
import { HOST, IOBUS, vm } from './vm.js';

// The irqchip's ioctls and their ordering rules (arch/x86/kvm/x86.c kvm_arch_vm_ioctl(), irq.c, 6.18.2),
// and the registrations' checks (virt/kvm/eventfd.c, coalesced_mmio.c).

const vmIoctl = (name: string, args: Record<string, unknown> = {}, result?: Ev['result']): Ev => ({
  kind: 'ioctl',
  name,
  args: { fd: 4, ...args } as never,
  ...(result ? { result } : {}),
});
const vcpuIoctl = (name: string): Ev => ({ kind: 'ioctl', name, args: { fd: 5 } });
const last = (events: Ev[], host: Record<string, unknown> | undefined = HOST) => given('x86_64', IOBUS, events, host).effects[0];
const noVcpu = (irqchip: 'none' | 'full' | 'split') => vm(irqchip).slice(0, -1);

describe('irqchip ordering rules', () => {
  it('KVM_CREATE_IRQCHIP: EINVAL once a vCPU exists, EEXIST with an irqchip, ENOTTY without CONFIG_KVM_IOAPIC, unpredicted when the host does not say', () => {
    assert.deepEqual(last([...noVcpu('none'), vmIoctl('KVM_CREATE_IRQCHIP')]), { kind: 'result', ret: 0 });
    assert.deepEqual(last([...vm('none'), vmIoctl('KVM_CREATE_IRQCHIP')]), { kind: 'result', errno: 'EINVAL' });
    assert.deepEqual(last([...noVcpu('full'), vmIoctl('KVM_CREATE_IRQCHIP')]), { kind: 'result', errno: 'EEXIST' });
    assert.deepEqual(last([...noVcpu('split'), vmIoctl('KVM_CREATE_IRQCHIP')]), { kind: 'result', errno: 'EEXIST' });
    assert.deepEqual(last([...noVcpu('none'), vmIoctl('KVM_CREATE_IRQCHIP')], { kvm_ioapic: false }), { kind: 'result', errno: 'ENOTTY' });
    assert.equal(last([...noVcpu('none'), vmIoctl('KVM_CREATE_IRQCHIP')], {})?.kind, 'unmodelled');
  });

  it('KVM_CREATE_PIT2: ENOENT without an in-kernel PIC (split counts as none), EEXIST the second time', () => {
    assert.deepEqual(last([...vm('none'), vmIoctl('KVM_CREATE_PIT2')]), { kind: 'result', errno: 'ENOENT' });
    assert.deepEqual(last([...vm('split'), vmIoctl('KVM_CREATE_PIT2')]), { kind: 'result', errno: 'ENOENT' });
    assert.deepEqual(last([...vm('full'), vmIoctl('KVM_CREATE_PIT2')]), { kind: 'result', ret: 0 });
    assert.deepEqual(last([...vm('full'), vmIoctl('KVM_CREATE_PIT2'), vmIoctl('KVM_CREATE_PIT2')]), { kind: 'result', errno: 'EEXIST' });
  });

  it('KVM_ENABLE_CAP(KVM_CAP_SPLIT_IRQCHIP): EEXIST after a vCPU or with an irqchip, EINVAL for flags or more than 4096 pins', () => {
    const split = (args: number[], flags = 0) => vmIoctl('KVM_ENABLE_CAP', { cap: 'KVM_CAP_SPLIT_IRQCHIP', args, flags });
    assert.deepEqual(last([...noVcpu('none'), split([24])]), { kind: 'result', ret: 0 });
    assert.deepEqual(last([...vm('none'), split([24])]), { kind: 'result', errno: 'EEXIST' });
    assert.deepEqual(last([...noVcpu('full'), split([24])]), { kind: 'result', errno: 'EEXIST' });
    assert.deepEqual(last([...noVcpu('none'), split([4097])]), { kind: 'result', errno: 'EINVAL' });
    assert.deepEqual(last([...noVcpu('none'), split([24], 1)]), { kind: 'result', errno: 'EINVAL' });
  });

  it("KVM_IRQ_LINE_STATUS: ENXIO without an irqchip, 0 with either; after an unseen KVM_ENABLE_CAP the kernel's answer tells which", () => {
    const line = vmIoctl('KVM_IRQ_LINE_STATUS', { raw: '0x7ffd' });
    assert.deepEqual(last([...vm('none'), line]), { kind: 'result', errno: 'ENXIO' });
    assert.deepEqual(last([...vm('split'), line]), { kind: 'result', ret: 0 });
    const unseen = vmIoctl('KVM_ENABLE_CAP', { raw: '0x7ffd' }, { ret: 0 });
    const run = given('x86_64', IOBUS, [...vm('none', [unseen]), { ...line, result: { ret: 0 } }], HOST);
    assert.equal(run.effects[0]!.kind, 'unmodelled');
    assert.equal(
      run.state.vms[0]!.iobus!.irqchip,
      'split',
      'the kernel answered 0: an irqchip is there, and no KVM_CREATE_IRQCHIP made it',
    );
  });

  it('KVM_INTERRUPT: queued (0) without an irqchip, ENXIO with the full one, EINVAL from vector 256; under a split irqchip it hangs on a pending ExtINT', () => {
    const interrupt = (irq: number): Ev => ({ kind: 'ioctl', name: 'KVM_INTERRUPT', args: { fd: 5, irq } });
    assert.deepEqual(last([...vm('none'), interrupt(8)]), { kind: 'result', ret: 0 });
    assert.deepEqual(last([...vm('none'), interrupt(256)]), { kind: 'result', errno: 'EINVAL' });
    assert.deepEqual(last([...vm('full'), interrupt(8)]), { kind: 'result', errno: 'ENXIO' });
    assert.equal(last([...vm('split'), interrupt(8)])?.kind, 'unmodelled');
    assert.equal(last([...vm('none'), { kind: 'ioctl', name: 'KVM_INTERRUPT', args: { fd: 5, raw: '0x7f36' } }])?.kind, 'unmodelled');
  });

  it('KVM_GET_LAPIC needs an in-kernel LAPIC (EINVAL); KVM_GET_PIT2 needs the PIT (ENXIO); KVM_GET_IRQCHIP the full irqchip (ENXIO)', () => {
    assert.deepEqual(last([...vm('none'), vcpuIoctl('KVM_GET_LAPIC')]), { kind: 'result', errno: 'EINVAL' });
    assert.deepEqual(last([...vm('split'), vcpuIoctl('KVM_GET_LAPIC')]), { kind: 'result', ret: 0 });
    assert.deepEqual(last([...vm('full'), vmIoctl('KVM_GET_PIT2')]), { kind: 'result', errno: 'ENXIO' });
    assert.deepEqual(last([...vm('split'), vmIoctl('KVM_GET_IRQCHIP', { chip_id: 0 })]), { kind: 'result', errno: 'ENXIO' });
    assert.deepEqual(last([...vm('full'), vmIoctl('KVM_GET_IRQCHIP', { chip_id: 3 })]), { kind: 'result', errno: 'EINVAL' });
  });
});

describe('registration checks', () => {
  const efd = (args: Record<string, unknown>, result?: Ev['result']) => vmIoctl('KVM_IOEVENTFD', { eventfd: 6, ...args }, result);
  const eventfd: Ev = { kind: 'syscall', name: 'eventfd2', args: { initval: 0, flags: 'EFD_CLOEXEC' }, result: { ret: 6 } };
  const base = vm('full', [eventfd]);
  const PIO = 2;
  const DATAMATCH = 1;
  const DEASSIGN = 4;

  it('KVM_IOEVENTFD: a length other than 0, 1, 2, 4, 8, or DATAMATCH with length 0, is EINVAL; a second match is EEXIST; an unknown one to deassign ENOENT', () => {
    assert.deepEqual(last([...base, efd({ addr: 0x510, len: 3, flags: PIO })]), { kind: 'result', errno: 'EINVAL' });
    assert.deepEqual(last([...base, efd({ addr: 0x510, len: 0, flags: PIO | DATAMATCH })]), { kind: 'result', errno: 'EINVAL' });
    const first = efd({ addr: 0xc050, len: 2, flags: PIO | DATAMATCH, datamatch: 0 });
    assert.deepEqual(last([...base, first]), { kind: 'result', ret: 0 });
    assert.deepEqual(last([...base, first, efd({ addr: 0xc050, len: 2, flags: PIO })]), { kind: 'result', errno: 'EEXIST' });
    assert.deepEqual(last([...base, first, efd({ addr: 0xc050, len: 2, flags: PIO | DATAMATCH, datamatch: 1 })]), {
      kind: 'result',
      ret: 0,
    });
    assert.deepEqual(last([...base, efd({ addr: 0xc050, len: 2, flags: PIO | DEASSIGN })]), { kind: 'result', errno: 'ENOENT' });
    assert.deepEqual(last([...base, first, efd({ addr: 0xc050, len: 2, flags: PIO | DATAMATCH | DEASSIGN, datamatch: 0 })]), {
      kind: 'result',
      ret: 0,
    });
  });

  it('KVM_IOEVENTFD on an fd that is no eventfd is EINVAL', () => {
    assert.deepEqual(last([...base, vmIoctl('KVM_IOEVENTFD', { eventfd: 3, addr: 0x510, len: 2, flags: PIO })]), {
      kind: 'result',
      errno: 'EINVAL',
    });
  });

  it('KVM_REGISTER_COALESCED_MMIO: pio other than 0 or 1 is EINVAL; KVM_UNREGISTER removes every zone that contains the range, and is 0 either way', () => {
    const zone = (name: string, addr: number, size: number, pio = 1) => vmIoctl(name, { addr, size, pio });
    assert.deepEqual(last([...base, zone('KVM_REGISTER_COALESCED_MMIO', 0x70, 2, 2)]), { kind: 'result', errno: 'EINVAL' });
    const run = given(
      'x86_64',
      IOBUS,
      [...base, zone('KVM_REGISTER_COALESCED_MMIO', 0x70, 2), zone('KVM_UNREGISTER_COALESCED_MMIO', 0x71, 1)],
      HOST,
    );
    assert.deepEqual(run.effects[0], { kind: 'result', ret: 0 });
    assert.deepEqual(run.state.vms[0]!.iobus!.devices, []);
    const none = given('x86_64', IOBUS, [...base, zone('KVM_UNREGISTER_COALESCED_MMIO', 0x71, 1, 0)], HOST);
    assert.deepEqual(none.effects[0], { kind: 'result', ret: 0 });
  });
});
