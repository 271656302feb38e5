import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { x86Capability } from '../../../src/engine/kvm/capabilities.js';
import { capabilityKind } from '../../../src/engine/kvm/capability-kinds.js';
import { given, type Ev } from './given.js';

// KVM_CHECK_EXTENSION answers: the core's (unchanged since before 3.6), the release's (kvm-x86-caps),
// and the host's build, CPU and machine (a host profile).

const ask = (cap: string): Ev => ({ kind: 'ioctl', name: 'KVM_CHECK_EXTENSION', args: { fd: 3, fdPath: '/dev/kvm', cap } });
const answer = (cap: string, host?: Record<string, unknown>) => given('x86_64', [], [ask(cap)], host).effects[0];

describe('who answers KVM_CHECK_EXTENSION', () => {
  it("the core answers only what has not changed since 3.6; a release-dependent answer is the caps area's", () => {
    assert.equal(x86Capability('KVM_CAP_USER_MEMORY'), 1);
    assert.equal(x86Capability('KVM_CAP_IMMEDIATE_EXIT'), undefined, '4.11');
    assert.equal(x86Capability('KVM_CAP_COALESCED_PIO'), undefined, 'after 4.19');
    assert.deepEqual(answer('KVM_CAP_IMMEDIATE_EXIT'), { kind: 'result', ret: 1 });
    assert.deepEqual(answer('KVM_CAP_SET_GUEST_DEBUG2'), { kind: 'result', ret: 0x1f0003 });
    assert.deepEqual(answer('KVM_CAP_ADJUST_CLOCK'), { kind: 'result', ret: 14 });
  });

  it("an answer of the host's build or CPU is not predicted from a trace alone, but from a host profile", () => {
    assert.equal(capabilityKind('KVM_CAP_PIT2'), 'config');
    assert.equal(capabilityKind('KVM_CAP_XCRS'), 'cpu');
    assert.equal(capabilityKind('KVM_CAP_NR_VCPUS'), 'host');
    assert.equal(answer('KVM_CAP_XCRS')?.kind, 'unmodelled');
    assert.deepEqual(answer('KVM_CAP_XCRS', { kvm_caps: { system: { KVM_CAP_XCRS: 1 } } }), { kind: 'result', ret: 1 });
  });

  it("a host profile's release answers are not used: the policies answer those", () => {
    assert.deepEqual(answer('KVM_CAP_IMMEDIATE_EXIT', { kvm_caps: { system: { KVM_CAP_IMMEDIATE_EXIT: 7 } } }), { kind: 'result', ret: 1 });
  });
});
