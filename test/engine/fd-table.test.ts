import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPolicies } from '../../src/engine/policy/registry.js';
import { fold, type ReplayStep } from '../../src/engine/replay.js';
import { straceFormat } from '../../src/importers/strace/format.js';
import type { TraceEvent } from '../../src/model/event.js';
import { initialState } from '../../src/model/state.js';
import { parseFixture } from '../importers/fixtures.js';

// The host fd table follows the calls that make, copy and close fds, as the real mini-vmm "fds" run
// made them (test/fixtures/traces/vmm-fds.strace): eventfd2 -> 5, dup(4) -> 7 and a
// KVM_CHECK_EXTENSION through 7, dup3(3, 20), dup2(5, 21), then close of all of them.

const events: TraceEvent[] = parseFixture(straceFormat, 'vmm-fds.strace').events.map((e, seq) => ({ ...e, seq }));
const steps: ReplayStep[] = [];
const end = fold(events, defaultPolicies(), initialState(), (s) => steps.push(s));
const pid = events[0]!.pid!;
const fdsAfter = (name: string, nth = 0) => steps.filter((s) => s.event.name === name)[nth]!.state.host.processes[pid]!.fds;

describe('host fd table: openat, dup, dup2, dup3, eventfd2, close', () => {
  it('given the openat of /dev/kvm and KVM_CREATE_VM, fds 3 and 4 are /dev/kvm and the VM', () => {
    const fds = fdsAfter('KVM_CREATE_VM');
    assert.deepEqual([fds[3], fds[4]], [{ type: 'kvm' }, { type: 'vm', vm: 0 }]);
  });

  it('when eventfd2 and dup copy fds, the copies refer to the same things, and a KVM ioctl through the copy reaches the VM', () => {
    assert.deepEqual(fdsAfter('eventfd2')[5], { type: 'file', path: 'anon_inode:[eventfd]' });
    assert.deepEqual(fdsAfter('dup')[7], { type: 'vm', vm: 0 });
    const check = steps.filter((s) => s.event.name === 'KVM_CHECK_EXTENSION').at(-1)!;
    assert.equal(check.event.args.fd, 7);
    assert.ok(!check.effects.some((e) => e.kind === 'unmodelled'), JSON.stringify(check.effects));
    assert.deepEqual(fdsAfter('dup3')[20], { type: 'kvm' });
    assert.deepEqual(fdsAfter('dup2')[21], { type: 'file', path: 'anon_inode:[eventfd]' });
  });

  it('then close removes each fd from the state', () => {
    const fds = end.host.processes[pid]!.fds;
    for (const fd of [3, 4, 5, 7, 20, 21]) assert.equal(fds[fd], undefined, `fd ${fd}`);
    assert.equal(fdsAfter('close', 0)[3], undefined, 'the ld.so.cache fd 3 is closed before /dev/kvm takes 3');
  });
});
