import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Effect } from '../../../../src/model/effect.js';
import { given, type Ev } from '../given.js';
import { exit, HOST, IOBUS, pio, vm } from './vm.js';

// Registrations strace printed as an address (`KVM_REGISTER_COALESCED_MMIO, 0x7ffd91c5d2c0`): the
// model does not guess what they cover; the kernel's own behaviour at a place decides, and is
// forgotten when a registration comes or goes. The pattern is the recordings' RTC: QEMU's coalesced
// PIO zone at 0x70 takes the index write, and the IN from 0x71 exits untraced.

const hidden: Ev = { kind: 'ioctl', name: 'KVM_REGISTER_COALESCED_MMIO', args: { fd: 4, raw: '0x7ffd91c5d2c0' }, result: { ret: 0 } };
const setup = vm('full', [hidden]);
const exitsOf = (events: Ev[]): Extract<Effect, { kind: 'exit' }>[] => {
  const all: Extract<Effect, { kind: 'exit' }>[] = [];
  for (let n = 1; n <= events.length; n++)
    all.push(
      ...given('x86_64', IOBUS, [...setup, ...events.slice(0, n)], HOST).effects.filter(
        (e): e is Extract<Effect, { kind: 'exit' }> => e.kind === 'exit',
      ),
    );
  return all;
};
const rtc = [pio('write', 0x70, 0x8f), exit('KVM_EXIT_IO'), pio('read', 0x71, 0), exit('KVM_EXIT_IO')];

describe('registrations whose arguments the trace does not show', () => {
  it("given one, a write no known device takes leaves the exit's cause open: KVM_EXIT_IO, but OUT 0x70 or an untraced IN", () => {
    assert.deepEqual(exitsOf(rtc.slice(0, 2)), [
      { kind: 'exit', vm: 0, vcpu: 0, reason: 'KVM_EXIT_IO', basis: 'a write only a registration strace did not decode could have taken' },
    ]);
  });

  it('given the next run starts with a read no device answers (the IN 0x71 completing), the write to 0x70 was taken, and is from then on', () => {
    const run = given('x86_64', IOBUS, [...setup, ...rtc], HOST);
    assert.deepEqual(run.state.vms[0]!.iobus!.learned, { 'pio:0x70:1': 'kernel' });
    const again = exitsOf([...rtc, pio('write', 0x70, 0x8f), exit('KVM_EXIT_IO')]).at(-1);
    assert.deepEqual(again, { kind: 'exit', vm: 0, vcpu: 0, reason: 'KVM_EXIT_IO', detail: { direction: 'in' } });
  });

  it('given a write the guest went on after in the same run, it was taken', () => {
    const run = given('x86_64', IOBUS, [...setup, pio('write', 0x70, 0x8f), pio('write', 0x80, 0)], HOST);
    assert.equal(run.state.vms[0]!.iobus!.learned['pio:0x70:1'], 'kernel');
  });

  it('given a write that ended its run and no completion in the next, it went to userspace, and the next write there is predicted to exit', () => {
    const events = [pio('write', 0x3f8, 0x41), exit('KVM_EXIT_IO'), pio('write', 0x3f8, 0x42), exit('KVM_EXIT_IO')];
    const last = exitsOf(events).at(-1)!;
    assert.equal(last.reason, 'KVM_EXIT_IO');
    assert.equal(last.detail?.port, 0x3f8);
    assert.match(last.basis ?? '', /^what the kernel did at the same place before/);
  });

  it('given another unseen registration, what the kernel showed is forgotten', () => {
    const run = given('x86_64', IOBUS, [...setup, ...rtc, hidden], HOST);
    assert.deepEqual(run.state.vms[0]!.iobus!.learned, {});
    assert.equal(run.state.vms[0]!.iobus!.hidden, 2);
  });

  it('given an unseen unregistration, the registrations shown before may be gone too and become hidden', () => {
    const shown: Ev = {
      kind: 'ioctl',
      name: 'KVM_REGISTER_COALESCED_MMIO',
      args: { fd: 4, addr: 0x70, size: 1, pio: 1 },
      result: { ret: 0 },
    };
    const gone: Ev = { kind: 'ioctl', name: 'KVM_UNREGISTER_COALESCED_MMIO', args: { fd: 4, raw: '0x7ffd91c5d0c0' }, result: { ret: 0 } };
    const run = given('x86_64', IOBUS, [...vm('full'), shown, gone], HOST);
    assert.deepEqual(run.state.vms[0]!.iobus!.devices, []);
    assert.equal(run.state.vms[0]!.iobus!.hidden, 1);
  });
});
