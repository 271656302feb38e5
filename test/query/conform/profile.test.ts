import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPolicies } from '../../../src/engine/policy/registry.js';
import { conformTrace } from '../../../src/query/conform/conform.js';
import { buildProfile } from '../../../src/query/profile/build.js';
import { hostFactsOf, hostProfileSchema } from '../../../src/query/profile/profile.js';
import { storedFixture } from '../../helpers/stored-fixture.js';

// `hvreplay profile` and `conform --host`: one recording's host answers predict another's from the same
// host (migrate and q35-smp2-mono were recorded in one session on one machine); a recording from
// another host (qemu-pc-64m, taken earlier from the shared traces) shows where the two differ.

const files = (name: string) => [`${name}.strace.gz`, `${name}.ftrace.gz`];

describe('host profiles', async () => {
  const migrate = await storedFixture('migrate', files('migrate'));
  const profile = buildProfile(migrate.db, migrate.trace, defaultPolicies());
  migrate.db.close();
  const q35 = await storedFixture('q35', files('q35-smp2-mono'));

  it('keeps the answers apart by what decides them, with the facts and where they came from', () => {
    assert.ok(hostProfileSchema.safeParse(JSON.parse(JSON.stringify(profile))).success);
    assert.equal(profile.capabilities.host.vm.KVM_CAP_NR_VCPUS, 2);
    assert.equal(profile.capabilities.cpu.system.KVM_CAP_XCRS, 1);
    assert.equal(profile.capabilities.config.system.KVM_CAP_PIT2, 1);
    assert.equal(profile.capabilities.version.system.KVM_CAP_IMMEDIATE_EXIT, 1);
    assert.deepEqual(profile.facts, { kvm_ioapic: true, tsc_khz: 2596122, tsc_control: false });
    assert.match(profile.evidence.tsc_khz!, /KVM_GET_TSC_KHZ \(migrate\.strace\.gz:\d+\) = 2596122/);
  });

  it('applied to another recording of the same host, every KVM_CHECK_EXTENSION answer the active policies and the profile know is predicted, and all match', () => {
    const without = conformTrace(q35.db, q35.trace, defaultPolicies());
    const withHost = conformTrace(q35.db, q35.trace, defaultPolicies(), hostFactsOf(profile));
    assert.deepEqual(withHost.mismatches, []);
    assert.ok((without.notPredicted['KVM_CHECK_EXTENSION result'] ?? 0) > 10);
    // The release answers (KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 among them, the dirty-log area's) and the
    // profile's together leave none unpredicted.
    assert.equal(withHost.notPredicted['KVM_CHECK_EXTENSION result'], undefined);
    assert.ok((withHost.matchesBy['KVM_CHECK_EXTENSION result'] ?? 0) >= 83);
    assert.equal(withHost.matchesBy['KVM_GET_TSC_KHZ result'], 4);
  });

  it('applied to a recording of another host, conform shows where the two differ: the TSC rate', async () => {
    const pc = await storedFixture('pc', files('qemu-pc-64m'));
    const other = buildProfile(pc.db, pc.trace, defaultPolicies());
    pc.db.close();
    const r = conformTrace(q35.db, q35.trace, defaultPolicies(), hostFactsOf(other));
    assert.deepEqual(
      [...new Set(r.mismatches.map((m) => `${m.event.name}: ${m.predicted} / ${m.observed}`))],
      ['KVM_GET_TSC_KHZ: 2596138 / 2596122'],
    );
  });

  it('bounds the list sizes where the recording shows the room QEMU gave (the probe): E2BIG says more, success at most', async () => {
    const probed = await storedFixture('pe', files('pc-e1000-probe'));
    const p = buildProfile(probed.db, probed.trace, defaultPolicies());
    probed.db.close();
    assert.deepEqual(p.facts.msr_index_count, { atLeast: 1, atMost: 40 });
    assert.deepEqual(p.facts.msr_feature_count, { atLeast: 1, atMost: 4 });
    assert.equal(p.supportedCpuidEntries, 56);
    assert.match(p.evidence.msr_index_count!, /with room for 0 = E2BIG; .* with room for 40 = 0$/);
    assert.equal(hostFactsOf(p).supported_cpuid_entries, 56);
    assert.equal(profile.facts.msr_index_count, undefined, 'strace alone shows no room');
  });
});
