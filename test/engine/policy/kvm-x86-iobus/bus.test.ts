import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { busOutcome, insertSorted, type BusAccess } from '../../../../src/engine/policy/kvm-x86-iobus/bus.js';
import { emptyBus } from '../../../../src/engine/policy/kvm-x86-iobus/devices.js';
import type { Registration, VmIoBus } from '../../../../src/engine/policy/kvm-x86-iobus/state.js';

// kvm_io_bus as virt/kvm/kvm_main.c walks it: wholly inside a range, then the first device that accepts.

const out = (addr: number, len = 1, data?: number): BusAccess => ({
  bus: 'pio',
  addr,
  len,
  write: true,
  ...(data !== undefined ? { data } : {}),
});
const inb = (addr: number, len = 1): BusAccess => ({ bus: 'pio', addr, len, write: false });
const bus = (over: Partial<VmIoBus>): VmIoBus => ({ ...emptyBus(), ...over });
const efd = (addr: number, len: number, datamatch?: number): Registration => ({
  kind: 'ioeventfd',
  bus: 'pio',
  addr: `0x${addr.toString(16)}`,
  len,
  ...(datamatch !== undefined ? { datamatch: `0x${datamatch.toString(16)}` } : {}),
});

describe('kvm_io_bus matching', () => {
  it('given KVM_CREATE_IRQCHIP, the PIC takes 0x21 but not a 2-byte access at 0x21, which is not wholly inside 0x20-0x21', () => {
    const full = bus({ irqchip: 'full' });
    assert.deepEqual(busOutcome(full, out(0x21)), { taken: 'PIC master' });
    assert.deepEqual(busOutcome(full, out(0x21, 2)), { userspace: true });
    assert.deepEqual(busOutcome(full, out(0x20, 2)), { taken: 'PIC master' });
    assert.deepEqual(busOutcome(full, inb(0x4d1)), { taken: 'ELCR' });
  });

  it('given a split irqchip, the PIC, ELCR and IOAPIC ports go to userspace', () => {
    const split = bus({ irqchip: 'split' });
    assert.deepEqual(busOutcome(split, out(0x20)), { userspace: true });
    assert.deepEqual(busOutcome(split, { bus: 'mmio', addr: 0xfec00000, len: 4, write: true }), { userspace: true });
  });

  it('given a PIT, 0x40-0x43 are taken; the speaker only with KVM_PIT_SPEAKER_DUMMY, and then only 0x61 of its 4 ports', () => {
    assert.deepEqual(busOutcome(bus({ irqchip: 'full', pit: { speaker: false } }), out(0x43)), { taken: 'PIT' });
    assert.deepEqual(busOutcome(bus({ irqchip: 'full', pit: { speaker: false } }), out(0x61)), { userspace: true });
    const speaker = bus({ irqchip: 'full', pit: { speaker: true } });
    assert.deepEqual(busOutcome(speaker, inb(0x61)), { taken: 'PC speaker' });
    assert.deepEqual(busOutcome(speaker, inb(0x62)), { userspace: true });
    assert.ok('unknown' in busOutcome(bus({ irqchip: 'full', pit: { speaker: 'unknown' } }), inb(0x61)));
  });

  it('given two ioeventfds on one port with different datamatch, the one whose value is written takes it; another value exits', () => {
    const two = bus({ devices: [efd(0xc050, 2, 0), efd(0xc050, 2, 1)] });
    assert.deepEqual(busOutcome(two, out(0xc050, 2, 1)), { taken: 'ioeventfd 0xc050' });
    assert.deepEqual(busOutcome(two, out(0xc050, 2, 7)), { userspace: true });
    assert.deepEqual(busOutcome(two, out(0xc050, 1, 0)), { userspace: true }, 'the length must be the ioeventfd length');
    assert.ok('unknown' in busOutcome(two, out(0xc050, 2)), 'no value traced: the datamatch cannot be checked');
  });

  it('given a length-0 ioeventfd, any size at its exact address is taken, and reads never are', () => {
    const any = bus({ devices: [efd(0x510, 0)] });
    assert.deepEqual(busOutcome(any, out(0x510, 4, 9)), { taken: 'ioeventfd 0x510' });
    assert.deepEqual(busOutcome(any, out(0x511)), { userspace: true });
    assert.deepEqual(busOutcome(any, inb(0x510)), { userspace: true });
  });

  it('given a coalesced zone, writes wholly inside it are taken until the ring may be full; reads go to userspace', () => {
    const zone: Registration = { kind: 'coalesced', bus: 'pio', addr: '0x70', len: 2 };
    assert.deepEqual(busOutcome(bus({ devices: [zone] }), out(0x71)), { taken: 'coalesced zone 0x70' });
    assert.deepEqual(busOutcome(bus({ devices: [zone] }), out(0x71, 2)), { userspace: true });
    assert.deepEqual(busOutcome(bus({ devices: [zone] }), inb(0x70)), { userspace: true });
    assert.ok('unknown' in busOutcome(bus({ devices: [zone], ringWrites: 169 }), out(0x70)));
  });

  it('given a registration strace did not decode, a write nobody known takes is not known; a read still exits', () => {
    assert.ok('unknown' in busOutcome(bus({ hidden: 1 }), out(0x3f8)));
    assert.deepEqual(busOutcome(bus({ hidden: 1 }), inb(0x3f8)), { userspace: true });
    assert.deepEqual(busOutcome(bus({ hidden: 1, irqchip: 'full' }), out(0x21)), { taken: 'PIC master' });
  });

  it('keeps registrations sorted, a new one after those equal to it', () => {
    const sorted = [efd(0x70, 1), efd(0x20, 2), efd(0x70, 1, 5)].reduce<Registration[]>((list, r) => insertSorted(list, r), []);
    assert.deepEqual(
      sorted.map((r) => [r.addr, r.datamatch]),
      [
        ['0x20', undefined],
        ['0x70', undefined],
        ['0x70', '0x5'],
      ],
    );
  });
});
