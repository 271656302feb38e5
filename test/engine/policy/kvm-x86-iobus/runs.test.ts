import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Effect } from '../../../../src/model/effect.js';
import { given, type Ev } from '../given.js';
import { exit, HOST, IOBUS, mmio, pio, vm } from './vm.js';

// A KVM_RUN's exit from what ftrace showed in it (arch/x86/kvm/x86.c): an OUT traced before it exits,
// an IN served by userspace traced by its completion in the next run, an MMIO write or an
// unsatisfied read traced before the exit.

/** The exit effects of every event of the runs, in order. */
function exits(events: Ev[], irqchip: 'none' | 'full' | 'split' = 'full'): Effect[] {
  const all: Effect[] = [];
  for (let n = 1; n <= events.length; n++)
    all.push(...given('x86_64', IOBUS, [...vm(irqchip), ...events.slice(0, n)], HOST).effects.filter((e) => e.kind === 'exit'));
  return all;
}

const io = (detail: Record<string, number | string>, more: Partial<Extract<Effect, { kind: 'exit' }>> = {}): Effect => ({
  kind: 'exit',
  vm: 0,
  vcpu: 0,
  reason: 'KVM_EXIT_IO',
  detail,
  ...more,
});

describe('the exit of a run, from its traced accesses', () => {
  it('given a full irqchip, an OUT no device takes is the exit, with its port, size, count and data', () => {
    assert.deepEqual(exits([pio('write', 0x3f8, 0x41), exit('KVM_EXIT_IO')]), [
      io({ direction: 'out', port: 0x3f8, size: 1, count: 1, data: 0x41 }),
    ]);
  });

  it('given a full irqchip, an OUT the PIC takes is no exit: the run ended on an IN traced only at its completion', () => {
    assert.deepEqual(exits([pio('write', 0x21, 0xff), exit('KVM_EXIT_IO')]), [io({ direction: 'in' })]);
  });

  it('given an IN exit, the next run starts with its completion, which the vCPU keeps as the exit detail', () => {
    const run = given('x86_64', IOBUS, [...vm('full'), exit('KVM_EXIT_IO'), pio('read', 0x3fd, 0x60), pio('write', 0x3f8, 0x72)], HOST);
    const vcpu = run.states[vm('full').length + 1]!.vms[0]!.vcpus[0]!;
    assert.equal(vcpu.lastExitDetail?.port, 0x3fd);
    assert.equal(vcpu.lastExitDetail?.data, 0x60);
    assert.equal(run.state.vms[0]!.vcpus[0]!.pendingExit, 'KVM_EXIT_IO', 'the OUT after the completion exits');
  });

  it('given a split irqchip, an untraced exit may also be the interrupt window userspace asked for; without an irqchip, a HLT too', () => {
    assert.deepEqual(exits([exit('KVM_EXIT_IO')], 'split'), [io({ direction: 'in' }, { alternatives: ['KVM_EXIT_IRQ_WINDOW_OPEN'] })]);
    assert.deepEqual(exits([exit('KVM_EXIT_HLT')], 'none'), [
      io({ direction: 'in' }, { alternatives: ['KVM_EXIT_HLT', 'KVM_EXIT_IRQ_WINDOW_OPEN'] }),
    ]);
  });

  it('given an MMIO read no device answers, the exit is KVM_EXIT_MMIO with is_write 0, and the next run completes it', () => {
    const run = given(
      'x86_64',
      IOBUS,
      [...vm('full'), mmio('unsatisfied-read', 0xb0000000), exit('KVM_EXIT_MMIO'), mmio('read', 0xb0000000, 0x29c0)],
      HOST,
    );
    assert.deepEqual(run.states[vm('full').length + 1]!.vms[0]!.vcpus[0]!.lastExit, 'KVM_EXIT_MMIO');
    assert.deepEqual(run.state.vms[0]!.vcpus[0]!.io?.after, undefined, 'the read completed what the exit left');
    assert.deepEqual(run.state.vms[0]!.vcpus[0]!.pendingExit, undefined, 'a completion is no access of its own');
  });

  it('given the LAPIC in the kernel, its MMIO page is taken; after a KVM_SET_SREGS2 strace did not decode, it is not known until the kernel shows it', () => {
    assert.deepEqual(exits([mmio('write', 0xfee000b0), exit('KVM_EXIT_IO')]), [io({ direction: 'in' })]);
    const sregs: Ev = { kind: 'ioctl', name: 'KVM_SET_SREGS2', args: { fd: 5, raw: '0x7f00' }, result: { ret: 0 } };
    const unknown = given('x86_64', IOBUS, [...vm('full'), sregs, mmio('write', 0xfee000b0)], HOST);
    assert.ok(unknown.state.vms[0]!.vcpus[0]!.io?.undecided, 'the write hangs on the unseen apic_base');
    const shown = given('x86_64', IOBUS, [...vm('full'), sregs, mmio('write', 0xfee000b0), mmio('read', 0xfee00030)], HOST);
    assert.equal(
      shown.state.vms[0]!.vcpus[0]!.io?.apicBase,
      '0xfee00800',
      'an access the kernel took there: the LAPIC is enabled at its default base',
    );
  });

  it('given the guest moves its APIC base (kvm_msr write of MSR_IA32_APICBASE), the old page exits to userspace', () => {
    const move: Ev = { kind: 'exit', name: 'kvm_msr', args: { dir: 'write', msr: 0x1b, data: 0xfed00900, fault: false } };
    assert.deepEqual(exits([move, mmio('write', 0xfee000b0, 1), exit('KVM_EXIT_MMIO')]), [
      { kind: 'exit', vm: 0, vcpu: 0, reason: 'KVM_EXIT_MMIO', detail: { gpa: '0xfee000b0', len: 4, is_write: 1, data: 1 } },
    ]);
  });

  it('given an exit predicted at an access, an access after it in the same run clears it: the kernel took it after all', () => {
    const run = given('x86_64', IOBUS, [...vm('full'), pio('write', 0x3f8), pio('write', 0x3f9)], HOST);
    assert.deepEqual(run.states.at(-2)!.vms[0]!.vcpus[0]!.pendingExit, 'KVM_EXIT_IO');
    assert.deepEqual(
      run.effects.find((e) => e.kind === 'log'),
      {
        kind: 'log',
        message: 'the guest went on after an access predicted to exit: something in the kernel took it',
      },
    );
  });
});
