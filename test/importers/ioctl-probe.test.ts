import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { defaultPolicies } from '../../src/engine/policy/registry.js';
import { straceFormat } from '../../src/importers/strace/format.js';
import { IOCTL_ARGS_STATS, parseProbe } from '../../src/importers/merge/ioctl-args.js';
import { importFiles } from '../../src/importers/import.js';
import { KVM_CAPS } from '../../src/model/kvm-abi.js';
import { toBig } from '../../src/model/address.js';
import { conformTrace, type ConformReport } from '../../src/query/conform/conform.js';
import { buildProfile } from '../../src/query/profile/build.js';
import { hostFactsOf } from '../../src/query/profile/profile.js';
import { openStore } from '../../src/store/open.js';
import { readEvents } from '../../src/store/event-reader.js';
import { fixturePath } from '../helpers/stored-fixture.js';
import { tempDir } from '../helpers/temp.js';
import { fixtureLines, named, parseFixture } from './fixtures.js';

// The uprobe on libc's ioctl() that `hvreplay record` places (src/record/ioctl-probe.ts), on real
// recordings made with it (test/fixtures/traces/README.md): QEMU 7.2 with -cpu host aborting before
// its first KVM_RUN, q35 with a split irqchip and virtio devices, pc with an e1000, a migration.

const NAME = 'cpu-host-abort-probe';
const FTRACE = `${NAME}.ftrace.gz`;
const STRACE = `${NAME}.strace.gz`;
const RUNS = ['q35-virtio-split-probe', 'pc-e1000-probe', 'migrate-probe'];
// Request codes of include/uapi/linux/kvm.h (printed by a C program against Debian's linux-libc-dev).
/** KVM_CHECK_EXTENSION: _IO(KVMIO, 0x03); its argument is the capability's number itself. */
const CHECK_EXTENSION = 0xae03;
/** KVM_SET_TSS_ADDR: _IO(KVMIO, 0x47), the address itself. */
const SET_TSS_ADDR = 0xae47;
/** KVM_SET_CPUID2: _IOW(KVMIO, 0x90, struct kvm_cpuid2), nent first. */
const SET_CPUID2 = 0x4008ae90;

function probes(ftrace = FTRACE): { tid: number; probe: NonNullable<ReturnType<typeof parseProbe>> }[] {
  return fixtureLines(ftrace)
    .map((line) => /-(\d+)\s+\[\d+\].*?libc_ioctl: (.*)$/.exec(line))
    .filter((m) => m !== null)
    .map((m) => ({ tid: Number(m[1]), probe: parseProbe(m[2]!)! }));
}

async function stored(ftraceFile: string, name = NAME) {
  const dir = tempDir('hvreplay-probe-');
  const db = openStore(join(dir, 't.db'));
  const result = await importFiles(db, { files: [fixturePath(`${name}.strace.gz`), ftraceFile], name });
  return { db, ...result };
}

/** The recording's ftrace without the probe's lines: what strace and tracefs alone give. */
function withoutProbe(name: string): string {
  const bare = join(tempDir('hvreplay-probe-'), `${name}-bare.ftrace.gz`);
  const lines = fixtureLines(`${name}.ftrace.gz`).filter((l) => !l.includes(' libc_ioctl: '));
  writeFileSync(bare, gzipSync(lines.join('\n') + '\n'));
  return bare;
}

/** conform of the recording with and without its probe's lines. */
async function conformBoth(name: string): Promise<{ probed: ConformReport; bare: ConformReport }> {
  const a = await stored(fixturePath(`${name}.ftrace.gz`), name);
  const b = await stored(withoutProbe(name), name);
  try {
    return { probed: conformTrace(a.db, a.trace, defaultPolicies()), bare: conformTrace(b.db, b.trace, defaultPolicies()) };
  } finally {
    a.db.close();
    b.db.close();
  }
}

describe('the libc ioctl probe of hvreplay record', () => {
  it('sees every KVM ioctl strace saw, in its order, with what strace decodes itself: the capability, the TSS address, kvm_cpuid2.nent', () => {
    const all = probes();
    assert.ok(all.every((p) => p.probe !== undefined && p.probe.mem.length === 64));
    const strace = parseFixture(straceFormat, STRACE).events.filter((e) => e.kind === 'ioctl' && e.name.startsWith('KVM_'));
    assert.equal(all.length, strace.length);
    const caps = named(strace, 'KVM_CHECK_EXTENSION').map((e) => KVM_CAPS[e.args.cap as string]);
    const probedCaps = all.filter((p) => p.probe.request === CHECK_EXTENSION).map((p) => Number(BigInt(p.probe.arg)));
    assert.equal(probedCaps.length, caps.length);
    assert.ok(caps.filter((c) => c !== undefined).length >= 10);
    caps.forEach((cap, i) => cap === undefined || assert.equal(probedCaps[i], cap, `KVM_CHECK_EXTENSION ${i}`));
    const tss = all.filter((p) => p.probe.request === SET_TSS_ADDR);
    assert.deepEqual(
      tss.map((p) => BigInt(p.probe.arg)),
      named(strace, 'KVM_SET_TSS_ADDR').map((e) => toBig(e.args.addr)),
    );
    const cpuid = all.filter((p) => p.probe.request === SET_CPUID2).map((p) => p.probe.mem.readUInt32LE(0));
    assert.deepEqual(
      cpuid,
      named(strace, 'KVM_SET_CPUID2').map((e) => e.args.nent),
    );
  });

  it('fills in the structs strace printed as addresses, each from the probe of its own call, and leaves no probe unmatched', async () => {
    const { db, trace, stats } = await stored(fixturePath(FTRACE));
    try {
      assert.equal(stats.counts.get(IOCTL_ARGS_STATS.filled), 41);
      assert.equal(stats.counts.get(IOCTL_ARGS_STATS.unmatched) ?? 0, 0);
      const events = [...readEvents(db, trace)];
      // QEMU's probing of the host (target/i386/kvm/kvm.c, 7.2): each MSR list first with no room, then
      // with the count the kernel wrote back; KVM_GET_SUPPORTED_CPUID with room doubling from 1 until
      // it fits (strace prints the kernel's count, 56, beside the probe's room, 64); the feature MSRs
      // one at a time; KVM_X86_XCOMP_GUEST_SUPP; 10 MCE banks with MCG_CTL_P and MCG_SER_P.
      assert.deepEqual(
        named(events, 'KVM_GET_MSR_INDEX_LIST').map((e) => e.args.nmsrs),
        [0, 40],
      );
      assert.deepEqual(
        named(events, 'KVM_GET_MSR_FEATURE_INDEX_LIST').map((e) => e.args.nmsrs),
        [0, 4],
      );
      const cpuid = named(events, 'KVM_GET_SUPPORTED_CPUID');
      assert.deepEqual(
        cpuid.map((e) => e.args.nentIn),
        [1, 2, 4, 8, 16, 32, 64],
      );
      assert.deepEqual(
        cpuid.map((e) => e.args.nent),
        [...Array<undefined>(6), 56],
      );
      assert.deepEqual(
        named(events, 'KVM_GET_MSRS').map((e) => (e.args.indices as string[]).join()),
        ['0x10a', '0x345', '0x10a', '0x345', '0x8b', '0x345'],
      );
      assert.deepEqual(new Set(named(events, 'KVM_GET_DEVICE_ATTR').map((e) => `${e.args.group}/${e.args.attr}`)), new Set(['0/0x0']));
      assert.deepEqual(
        named(events, 'KVM_X86_SETUP_MCE').map((e) => e.args.mcg_cap),
        ['0x100010a'],
      );
      const ioeventfds = named(events, 'KVM_IOEVENTFD');
      assert.equal(ioeventfds.length, 14);
      for (const e of ioeventfds) assert.ok(e.args.len !== undefined && e.args.addr !== undefined && e.args.flags !== undefined);
      // QEMU's kvm_check_many_ioeventfds() (accel/kvm/kvm-all.c, 7.2): seven on port 0, 2 bytes,
      // DATAMATCH|PIO (3) with data 0 to 6, then each deassigned (flags 7) in reverse.
      assert.deepEqual(
        ioeventfds.map((e) => `${e.args.addr}/${e.args.len}/${e.args.flags}/${e.args.datamatch}`),
        [0, 1, 2, 3, 4, 5, 6].map((d) => `0x0/2/3/0x${d}`).concat([6, 5, 4, 3, 2, 1, 0].map((d) => `0x0/2/7/0x${d}`)),
      );
      const caps = named(events, 'KVM_ENABLE_CAP').map((e) => e.args.cap);
      assert.deepEqual(caps, [168, 164, 218, 188, 128]);
    } finally {
      db.close();
    }
  });

  it('lets conform predict more of the run, with no mismatch: the same recording without its probe lines predicts fewer', async () => {
    const { probed, bare } = await conformBoth(NAME);
    assert.deepEqual(probed.mismatches, []);
    assert.deepEqual(bare.mismatches, []);
    const ia = probed.coverage['ioctl result'];
    const ib = bare.coverage['ioctl result'];
    assert.equal(ia.observed, ib.observed);
    assert.equal(ib.matched, 55);
    assert.equal(ia.matched, 89, `${ia.matched} of ${ia.observed}`);
  });

  it('with a profile of another recording of the same host, all but 3 of its 114 ioctl results are predicted, none wrong', async () => {
    const a = await stored(fixturePath(FTRACE));
    const b = await stored(fixturePath('pc-e1000-probe.ftrace.gz'), 'pc-e1000-probe');
    try {
      const profile = buildProfile(b.db, b.trace, defaultPolicies());
      const r = conformTrace(a.db, a.trace, defaultPolicies(), hostFactsOf(profile));
      assert.deepEqual(r.mismatches, []);
      assert.equal(r.coverage['ioctl result'].matched, 111);
      // What no recording shows: QEMU's MSR filter's ranges 3 to 15 (past the 64 bytes read), and
      // whether the host takes the CPUID entries and MSR values of -cpu host (the run's abort).
      assert.deepEqual(
        Object.keys(r.notPredicted)
          .filter((k) => k.startsWith('KVM_'))
          .sort(),
        ['KVM_SET_CPUID2 result', 'KVM_SET_MSRS result', 'KVM_X86_SET_MSR_FILTER result'],
      );
    } finally {
      a.db.close();
      b.db.close();
    }
  });

  for (const name of RUNS)
    it(`${name}: every probe taken by its call; with the registrations known every exit is predicted in full, none from what the kernel did before, no mismatch`, async () => {
      const all = probes(`${name}.ftrace.gz`);
      const strace = parseFixture(straceFormat, `${name}.strace.gz`).events.filter((e) => e.kind === 'ioctl' && e.name.startsWith('KVM_'));
      assert.equal(all.length, strace.length);
      const { probed, bare } = await conformBoth(name);
      assert.deepEqual(probed.mismatches, []);
      assert.deepEqual(bare.mismatches, []);
      const exits = probed.coverage['KVM_RUN exit'].observed;
      assert.ok(exits > 1000);
      assert.equal(probed.exitsInFull, exits);
      assert.deepEqual(probed.exitBases, {});
      assert.ok(bare.exitsInFull < exits, `without the probe ${bare.exitsInFull} of ${exits} in full`);
      assert.ok(Object.values(bare.exitBases).reduce((a, b) => a + b, 0) > 500);
      assert.ok(probed.coverage['ioctl result'].matched > bare.coverage['ioctl result'].matched);
    });

  it('migrate-probe: KVM_GET_DIRTY_LOG and KVM_CLEAR_DIRTY_LOG get their slots and ranges, and kvm-memslot predicts each', async () => {
    const { probed, bare } = await conformBoth('migrate-probe');
    assert.equal(probed.matchesBy['KVM_GET_DIRTY_LOG result'], 4);
    assert.equal(probed.matchesBy['KVM_CLEAR_DIRTY_LOG result'], 3);
    assert.equal(bare.matchesBy['KVM_GET_DIRTY_LOG result'], undefined);
    assert.equal(bare.matchesBy['KVM_CLEAR_DIRTY_LOG result'], undefined);
  });

  it('reads the probe from a trace.dat too (record --format dat): the same 41 structs, none unmatched, the same 89 of 114 predicted', async () => {
    const name = 'cpu-host-abort-probe-dat';
    const a = await stored(fixturePath(`${name}.dat`), name);
    try {
      assert.equal(a.stats.counts.get(IOCTL_ARGS_STATS.filled), 41);
      assert.equal(a.stats.counts.get(IOCTL_ARGS_STATS.unmatched) ?? 0, 0);
      const r = conformTrace(a.db, a.trace, defaultPolicies());
      assert.deepEqual(r.mismatches, []);
      assert.equal(r.coverage['ioctl result'].matched, 89);
    } finally {
      a.db.close();
    }
  });
});
