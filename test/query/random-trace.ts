// Random but valid VMM traces for property tests: a VMM opens /dev/kvm, creates a VM and a vCPU,
// then mmaps, sets memslots, runs the vCPU and gets scheduled in and out, in any order. Written
// through the real TraceWriter into a real SQLite file.
import fc from 'fast-check';

import { join } from 'node:path';
import type { NewEvent } from '../../src/model/event.js';
import { openStore } from '../../src/store/open.js';
import type { SqlDatabase } from '../../src/store/sql.js';
import { TraceWriter } from '../../src/store/trace-writer.js';
import { getTrace, type TraceRecord } from '../../src/store/traces.js';
import { tempDir } from '../helpers/temp.js';

const PID = 4242;
const VCPU_TID = 4243;
const EXITS = ['KVM_EXIT_IO', 'KVM_EXIT_MMIO', 'KVM_EXIT_HLT', 'KVM_EXIT_INTR'];
const PAGE = 4096;

const vmFd = { fd: 4, fdPath: 'anon_inode:kvm-vm' };
const vcpuFd = { fd: 5, fdPath: 'anon_inode:kvm-vcpu:0' };

export function prologue(): NewEvent[] {
  return [
    { kind: 'ioctl', name: 'KVM_GET_API_VERSION', pid: PID, tid: PID, args: { fd: 3, fdPath: '/dev/kvm' }, result: { ret: 12 } },
    {
      kind: 'ioctl',
      name: 'KVM_CREATE_VM',
      pid: PID,
      tid: PID,
      args: { fd: 3, fdPath: '/dev/kvm', type: 0 },
      result: { ret: 4, fdPath: 'anon_inode:kvm-vm' },
    },
    {
      kind: 'ioctl',
      name: 'KVM_CREATE_VCPU',
      pid: PID,
      tid: PID,
      args: { ...vmFd, id: 0 },
      result: { ret: 5, fdPath: 'anon_inode:kvm-vcpu:0' },
    },
  ];
}

const mmap = fc
  .record({ pages: fc.integer({ min: 1, max: 8 }), at: fc.integer({ min: 0x100, max: 0x200 }) })
  .map(({ pages, at }): NewEvent => ({
    kind: 'syscall',
    name: 'mmap',
    pid: PID,
    tid: PID,
    args: { addr: null, length: pages * PAGE, prot: 'PROT_READ|PROT_WRITE', flags: 'MAP_SHARED|MAP_ANONYMOUS' },
    result: { ret: '0x7f' + (at * PAGE).toString(16).padStart(10, '0') },
  }));

const memslot = fc
  .record({
    slot: fc.integer({ min: 0, max: 3 }),
    flags: fc.constantFrom(0, 1, 2),
    gpaPage: fc.integer({ min: 0, max: 64 }),
    pages: fc.integer({ min: 0, max: 4 }),
    hvaPage: fc.integer({ min: 0x100, max: 0x200 }),
  })
  .map(({ slot, flags, gpaPage, pages, hvaPage }): NewEvent => ({
    kind: 'ioctl',
    name: 'KVM_SET_USER_MEMORY_REGION',
    pid: PID,
    tid: PID,
    args: {
      ...vmFd,
      slot,
      flags,
      guest_phys_addr: gpaPage * PAGE,
      memory_size: pages * PAGE,
      userspace_addr: '0x7f' + (hvaPage * PAGE).toString(16).padStart(10, '0'),
    },
    result: { ret: 0 },
  }));

const run = fc
  .constantFrom(...EXITS)
  .map((exit): NewEvent => ({ kind: 'ioctl', name: 'KVM_RUN', pid: PID, tid: VCPU_TID, args: { ...vcpuFd }, result: { ret: 0, exit } }));

const sched = fc
  .record({ cpu: fc.integer({ min: 0, max: 1 }), out: fc.boolean(), state: fc.constantFrom('R', 'S', 'D') })
  .map(({ cpu, out, state }): NewEvent => ({
    kind: 'context_switch',
    name: 'sched_switch',
    cpu,
    args: out
      ? { prev_comm: 'CPU 0/KVM', prev_pid: VCPU_TID, prev_state: state, next_comm: 'swapper/0', next_pid: 0 }
      : { prev_comm: 'swapper/0', prev_pid: 0, prev_state: 'R', next_comm: 'CPU 0/KVM', next_pid: VCPU_TID },
  }));

/** The events after the prologue, each stamped with an increasing time. */
export const randomBody = (maxLength: number, minLength = 1) => fc.array(fc.oneof(mmap, memslot, run, sched), { minLength, maxLength });

export function stamp(events: NewEvent[]): NewEvent[] {
  return events.map((e, i) => ({ ...e, ts: 1700000000 + i * 0.001 }));
}

export function tempStore(): { db: SqlDatabase; path: string } {
  const path = join(tempDir('hvreplay-test-'), 'store.db');
  return { db: openStore(path), path };
}

let counter = 0;

export function storeTrace(db: SqlDatabase, events: NewEvent[], name = `random-${process.pid}-${counter++}`): TraceRecord {
  const writer = new TraceWriter(db, { name, format: 'jsonl', sources: [], contentHash: name });
  for (const e of events) writer.append(e);
  writer.commit({ counts: {}, problems: [] });
  return getTrace(db, name);
}
