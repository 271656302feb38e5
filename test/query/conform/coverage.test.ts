import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPolicies } from '../../../src/engine/policy/registry.js';
import { conformTrace, type ConformReport } from '../../../src/query/conform/conform.js';
import { predictedShare } from '../../../src/query/conform/tally.js';
import { buildProfile } from '../../../src/query/profile/build.js';
import { hostFactsOf } from '../../../src/query/profile/profile.js';
import type { SqlDatabase } from '../../../src/store/sql.js';
import type { TraceRecord } from '../../../src/store/traces.js';
import { storedFixture } from '../../helpers/stored-fixture.js';

// Issue 16's figures on every real recording in the repository (test/fixtures/traces/README.md): at
// least 90% of KVM_RUN exits predicted in full (reason, and the port or address wherever the kernel's
// trace shows it), at least 80% of the ioctl results, no mismatch. The runs QEMU aborts before any
// KVM_RUN are nearly all host probing: cpu-host-abort-probe reaches the ioctl figure with a profile of
// another recording of its host; cpu-host-abort, whose structs the recording does not hold, falls short
// of it, and the test says why.

const RECORDINGS = [
  'qemu-pc-64m',
  'qemu-isapc',
  'q35-virtio-split',
  'migrate',
  'migrate-dirty-ring',
  'qemu-kvm',
  'q35-smp2-mono',
  'q35-smp2',
  'pc-e1000',
  'q35-reboot',
  // Recorded by `hvreplay record`, whose libc ioctl probe shows the structs strace prints as addresses.
  'q35-virtio-split-probe',
  'pc-e1000-probe',
  'migrate-probe',
  // Also by `hvreplay record`, kept out until these figures were measured on it: the irqchip in QEMU (KVM_INTERRUPT).
  'q35-noirqchip',
  // The same, 2 vCPUs on pc, QEMU hung after 2 s with vCPU 0's last exit open, killed after 720 s.
  'pc-noirq-smp2-hang',
];

/** A recording imported on its own store, used, and closed. */
async function withRecording<T>(name: string, use: (db: SqlDatabase, trace: TraceRecord) => T): Promise<T> {
  const gz = name === 'mini' ? '' : '.gz';
  const { db, trace } = await storedFixture(name, [`${name}.strace${gz}`, `${name}.ftrace${gz}`]);
  try {
    return use(db, trace);
  } finally {
    db.close();
  }
}

/** conform of a recording, with the host facts `hvreplay profile` keeps of another where one is named. */
async function conform(name: string, profileOf?: string): Promise<ConformReport> {
  const host =
    profileOf === undefined
      ? undefined
      : await withRecording(profileOf, (db, trace) => hostFactsOf(buildProfile(db, trace, defaultPolicies())));
  return withRecording(name, (db, trace) => conformTrace(db, trace, defaultPolicies(), host));
}

const ioctlFigure = (r: ConformReport) => `${r.coverage['ioctl result'].matched} of ${r.coverage['ioctl result'].observed}`;

describe('conform coverage on the real recordings', () => {
  for (const name of [...RECORDINGS, 'mini'])
    it(`${name}: no mismatch, >= 90% of exits in full, >= 80% of ioctl results`, async () => {
      const r = await conform(name);
      assert.deepEqual(
        r.mismatches.map((m) => `@${m.seq} ${m.what} ${m.predicted} / ${m.observed}`),
        [],
      );
      const exits = r.coverage['KVM_RUN exit'];
      assert.ok(exits.observed > 0);
      assert.equal(exits.unpredicted, 0, 'every exit has a prediction');
      assert.ok(r.exitsInFull / exits.observed >= 0.9, `${r.exitsInFull} of ${exits.observed} exits in full`);
      const ioctls = r.coverage['ioctl result'];
      assert.ok(predictedShare(ioctls) >= 0.8, `${ioctls.matched} of ${ioctls.observed} ioctl results`);
    });

  it('cpu-host-abort-probe: 89 of 114 ioctl results alone; with a profile of pc-e1000-probe (the same host) 111, no mismatch', async () => {
    const alone = await conform('cpu-host-abort-probe');
    assert.deepEqual(alone.mismatches, []);
    assert.equal(ioctlFigure(alone), '89 of 114');
    const hosted = await conform('cpu-host-abort-probe', 'pc-e1000-probe');
    assert.deepEqual(hosted.mismatches, []);
    assert.equal(ioctlFigure(hosted), '111 of 114');
    assert.ok(predictedShare(hosted.coverage['ioctl result']) >= 0.8);
  });

  it('cpu-host-abort: no mismatch, alone or with a profile of migrate (its host); every ioctl left unpredicted is one whose struct strace prints as an address, or a host answer', async () => {
    const r = await conform('cpu-host-abort');
    assert.deepEqual(r.mismatches, []);
    assert.equal(ioctlFigure(r), '55 of 115');
    const hosted = await conform('cpu-host-abort', 'migrate');
    assert.deepEqual(hosted.mismatches, []);
    assert.equal(ioctlFigure(hosted), '69 of 115');
    const undecoded = new Set([
      'KVM_IOEVENTFD', // struct kvm_ioeventfd
      'KVM_ENABLE_CAP', // struct kvm_enable_cap
      'KVM_GET_SUPPORTED_CPUID', // kvm_cpuid2.nent going in
      'KVM_GET_MSRS', // struct kvm_msrs
      'KVM_SET_MSRS',
      'KVM_GET_MSR_INDEX_LIST', // kvm_msr_list.nmsrs going in
      'KVM_GET_MSR_FEATURE_INDEX_LIST',
      'KVM_GET_DEVICE_ATTR', // struct kvm_device_attr
      'KVM_X86_SETUP_MCE', // the MCG_CAP value
      'KVM_X86_SET_MSR_FILTER', // struct kvm_msr_filter
      'KVM_SET_CPUID2', // the entries
      'KVM_CHECK_EXTENSION', // the host's build and CPU: a host profile predicts them (profile.test.ts)
      'KVM_GET_TSC_KHZ',
      'KVM_CREATE_IRQCHIP', // CONFIG_KVM_IOAPIC: a host profile says
    ]);
    const left = Object.keys(r.notPredicted)
      .filter((k) => k.endsWith(' result') && k.startsWith('KVM_'))
      .map((k) => k.replace(/ result$/, ''));
    assert.deepEqual(
      left.filter((n) => !undecoded.has(n)),
      [],
    );
  });
});
