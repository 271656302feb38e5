import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { hvreplay } from '../helpers/cli.js';
import { decodePerfetto, slicesOf, type DecodedTrack } from '../helpers/perfetto-file.js';
import { fixturePath, grepCount } from '../helpers/stored-fixture.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('hvreplay-export-');
const db = join(dir, 'store.db');

describe('hvreplay export', () => {
  before(() => {
    const run = hvreplay(db, ['import', fixturePath('qemu-pc-64m.strace.gz'), fixturePath('qemu-pc-64m.ftrace.gz'), '--name', 'pc']);
    assert.equal(run.status, 0, run.stderr);
  });

  it('--format perfetto: a TrackEvent trace whose tracks nest VMM > vCPU > exits and run state, every slice closed', () => {
    const out = join(dir, 'pc.pftrace');
    const run = hvreplay(db, ['export', 'pc', '--format', 'perfetto', '-o', out]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /vCPU 0 exits to userspace {2}\(1648 slices\)/);
    const { tracks, events, firstFlags } = decodePerfetto(out);
    assert.equal(firstFlags, 1, 'the first packet clears incremental state');
    const byUuid = new Map(tracks.map((t) => [t.uuid, t]));
    assert.equal(byUuid.size, tracks.length, 'track uuids are unique');
    for (const t of tracks) if (t.parentUuid !== undefined) assert.ok(byUuid.has(t.parentUuid), `${t.name}'s parent is declared`);
    const named = (name: string) => tracks.find((t) => t.name === name) as DecodedTrack;
    const vmm = named('VMM 9875');
    assert.deepEqual(vmm.process, { pid: 9875, processName: 'VMM 9875' });
    const vcpu = named('vCPU 0');
    assert.equal(vcpu.parentUuid, vmm.uuid);
    assert.equal(named('vCPU 0 exits to userspace').parentUuid, vcpu.uuid);
    assert.equal(named('vCPU 0 run state').parentUuid, vcpu.uuid);
    assert.equal(named('thread 9875').thread?.tid, 9875);
    assert.equal(named('vm0 exits KVM_EXIT_IO').counter?.unit, 2, 'UNIT_COUNT');

    const slices = slicesOf(events); // throws on an END without BEGIN or a slice never closed
    assert.ok(slices.every((s) => s.depth === 0 && s.end >= s.begin));
    const on = (t: DecodedTrack) => slices.filter((s) => s.track === t.uuid);
    assert.equal(on(vcpu).length, grepCount('qemu-pc-64m.strace.gz', 'KVM_RUN'));
    assert.ok(on(vcpu).every((s) => s.name === 'KVM_RUN'));
    const exits = on(named('vCPU 0 exits to userspace'));
    assert.equal(exits.filter((s) => s.name === 'KVM_EXIT_IO').length, grepCount('qemu-pc-64m.strace.gz', '(KVM_EXIT_IO)'));
    const counter = events.filter((e) => e.trackUuid === named('vm0 exits KVM_EXIT_IO').uuid);
    assert.equal(counter.at(-1)?.counterValue, exits.length);
    const memslots = events.filter((e) => e.trackUuid === named('vm0 memslots').uuid).at(-1);
    assert.ok(memslots?.counterValue !== undefined && memslots.counterValue > 0);

    // Nanoseconds on the recording's own clock: the first KVM_RUN slice starts at strace's -ttt time and
    // lasts its -T time, to the nanosecond.
    const first = on(vcpu).sort((a, b) => (a.begin < b.begin ? -1 : 1))[0]!;
    const text = hvreplay(db, ['log', 'pc', '--name', 'KVM_RUN', '--json']).stdout.split('\n')[0]!;
    const event = JSON.parse(text) as { ts: number; result: { duration: number } };
    const [sec, frac] = event.ts.toFixed(6).split('.');
    assert.equal(first.begin, BigInt(sec!) * 1_000_000_000n + BigInt(frac!) * 1000n);
    assert.equal(first.end - first.begin, BigInt(Math.round(event.result.duration * 1e9)));
  });

  it('exit slices carry the exit fields as arguments, addresses in hex', () => {
    const out = join(dir, 'pc-args.pftrace');
    assert.equal(hvreplay(db, ['export', 'pc', '-o', out]).status, 0);
    const { events } = decodePerfetto(out);
    const io = events.find((e) => e.type === 1 && e.name === 'KVM_EXIT_IO')!;
    const args = Object.fromEntries(io.debugAnnotations!.map((a) => [a.name, a.stringValue ?? Number(a.intValue ?? a.doubleValue)]));
    const { seq, ...fields } = args;
    assert.deepEqual(fields, { dir: 'write', port: '0x70', size: 1, count: 1, val: '0x8f' });
    const at = hvreplay(db, ['log', 'pc', '--from', String(seq), '--to', String(seq), '--json']);
    assert.deepEqual(JSON.parse(at.stdout).args, { reason: 'KVM_EXIT_IO', code: 2 }, 'the slice names the kernel exit it came from');
  });

  it('--format chrome-json: the same slices as complete events, microseconds with their nanoseconds', () => {
    const out = join(dir, 'pc.json');
    assert.equal(hvreplay(db, ['export', 'pc', '--format', 'chrome-json', '-o', out]).status, 0);
    const text = readFileSync(out, 'utf8');
    const json = JSON.parse(text) as { traceEvents: { ph: string; name: string; ts: number; dur?: number; tid: number }[] };
    const runs = json.traceEvents.filter((e) => e.ph === 'X' && e.name === 'KVM_RUN');
    assert.equal(runs.length, grepCount('qemu-pc-64m.strace.gz', 'KVM_RUN'));
    assert.ok(json.traceEvents.some((e) => e.ph === 'M' && e.name === 'process_name'));
    assert.match(text, /"ts":1795260113\d{6}\.\d{3},"dur":\d+\.\d{3}/);
  });

  it('marks what conform, bisect and diff found, and the predicted crash, on an untimed scenario', () => {
    const out = join(dir, 'rom.pftrace');
    const scenario = 'scenarios/kvm-readonly-bios-rom.yaml';
    const run = hvreplay(db, [
      'export',
      scenario,
      '--kernel',
      '3.6',
      '--bisect',
      'state.vms[0].status == "crashed"',
      '--diff-policy',
      'kvm-readonly/memslot-flag',
      '-o',
      out,
    ]);
    assert.equal(run.status, 0, run.stderr);
    const bisect = JSON.parse(
      hvreplay(db, ['bisect', scenario, '--kernel', '3.6', '--when', 'state.vms[0].status == "crashed"', '--json']).stdout,
    ) as { seq: number };
    const diff = JSON.parse(
      hvreplay(db, [
        'diff',
        scenario,
        '--a',
        'kvm-memslot/linux-3.6',
        'kvm-readonly/prot-read',
        '--b',
        'kvm-readonly/memslot-flag',
        '--json',
      ]).stdout,
    ) as { divergentEvents: number };
    const { events } = decodePerfetto(out);
    const instants = events.filter((e) => e.type === 3);
    const found = instants.find((e) => e.name === 'bisect: first bad event')!;
    assert.equal(found.ts, BigInt(bisect.seq) * 1000n, 'an untimed trace is laid out at 1 us per event');
    assert.equal(instants.filter((e) => e.name === 'diff: policies part').length, diff.divergentEvents);
    assert.ok(
      instants.some((e) => e.name?.startsWith('crash: ') && e.ts === found.ts),
      'the crash the policy predicted is where bisect found it',
    );
  });

  it('refuses an unknown format and leaves no file behind on failure', () => {
    const out = join(dir, 'nope.pftrace');
    assert.equal(hvreplay(db, ['export', 'pc', '--format', 'svg', '-o', out]).status, 2);
    const bad = hvreplay(db, ['export', 'pc', '--bisect', 'state.nosuch(', '-o', out]);
    assert.equal(bad.status, 2, bad.stderr);
    assert.throws(() => readFileSync(out));
  });
});
