import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hvreplay } from '../helpers/cli.js';
import { REPO, tempDir } from '../helpers/temp.js';

const MINI = 'scenarios/mini-readonly-slot.yaml';

describe('hvreplay CLI, end to end on a temporary store', () => {
  const dir = tempDir();
  const db = join(dir, 'cli.db');

  it('imports a scenario, then reuses it while it is unchanged', () => {
    const first = hvreplay(db, ['import', MINI, '--json']);
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(
      [JSON.parse(first.stdout).name, JSON.parse(first.stdout).events, JSON.parse(first.stdout).reused],
      ['mini-readonly-slot', 11, false],
    );
    const again = hvreplay(db, ['import', MINI, '--json']);
    assert.equal(JSON.parse(again.stdout).reused, true);
  });

  it('lists traces', () => {
    const run = hvreplay(db, ['traces', '--json']);
    assert.equal(run.status, 0);
    assert.deepEqual(
      JSON.parse(run.stdout).map((t: { name: string }) => t.name),
      ['mini-readonly-slot'],
    );
  });

  it('logs events one per line in strace form, filtered by name', () => {
    const run = hvreplay(db, ['log', 'mini-readonly-slot', '--name', 'KVM_SET_USER_MEMORY_REGION']);
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(
      lines[1]!,
      /ioctl\(4<anon_inode:kvm-vm>, KVM_SET_USER_MEMORY_REGION, \{slot=1, flags=KVM_MEM_READONLY, guest_phys_addr=0x1000, memory_size=4096, userspace_addr=0x7fcd470f9000\}\) = 0/,
    );
  });

  it('round-trips through log --json and import of JSON Lines', () => {
    const jsonl = hvreplay(db, ['log', 'mini-readonly-slot', '--json']).stdout;
    const copy = hvreplay(db, ['import', '-', '--name', 'copy', '--json'], { input: jsonl });
    assert.equal(copy.status, 0, copy.stderr);
    assert.equal(JSON.parse(copy.stdout).events, 11);
    const a = JSON.parse(hvreplay(db, ['replay', 'mini-readonly-slot', '--json']).stdout).stateHash;
    const b = JSON.parse(hvreplay(db, ['replay', 'copy', '--json']).stdout).stateHash;
    assert.equal(a, b);
  });

  it('shows the two memslots and the vCPU in the state after the last KVM_RUN, as JSON', () => {
    const run = hvreplay(db, ['state', MINI, '--at', '10', '--json']);
    assert.equal(run.status, 0, run.stderr);
    const { state, event } = JSON.parse(run.stdout);
    assert.equal(event.name, 'KVM_RUN');
    assert.deepEqual(
      state.vms[0].memslots.map((m: { slot: number; flags: number; guestPhysAddr: string }) => [m.slot, m.flags, m.guestPhysAddr]),
      [
        [0, 0, '0x0'],
        [1, 2, '0x1000'],
      ],
    );
    assert.equal(state.vms[0].vcpus.length, 1);
    assert.equal(state.vms[0].vcpus[0].lastExit, 'KVM_EXIT_HLT');
  });

  it('answers --path with just that value', () => {
    const run = hvreplay(db, ['state', 'mini-readonly-slot', '--at', '6', '--path', 'vms[0].memslots[1].flags', '--json']);
    assert.equal(run.stdout.trim(), '2');
  });

  it('replays with a summary of predicted effects', () => {
    const run = hvreplay(db, ['replay', 'mini-readonly-slot']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /replayed 11 events of 'mini-readonly-slot'/);
    assert.match(run.stdout, /memslot\s+2/);
  });

  it('rejects an invalid scenario with exit 2 and stores nothing', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'name: bad\ndescription: d\nsource: s\narch: x86_64\nevents:\n  - ioctl: KVM_CREATE_VCPU\n    args: { fd: 4, id: zero }\n',
    );
    const run = hvreplay(db, ['import', bad]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /bad\.yaml:7: events\[0\]\.args\.id: expected an integer/);
    assert.match(run.stderr, /nothing was stored/);
    const names = JSON.parse(hvreplay(db, ['traces', '--json']).stdout).map((t: { name: string }) => t.name);
    assert.ok(!names.includes('bad'));
  });

  it('exits 2 with a clear message for an unknown trace, policy, position or option', () => {
    for (const [args, pattern] of [
      [['log', 'nope'], /no trace named 'nope'/],
      [['state', 'mini-readonly-slot', '--at', '99'], /event 99 is outside trace/],
      [['state', 'mini-readonly-slot', '--at', '1', '--policy', 'kvm-memslot/bsd'], /unknown policy 'kvm-memslot\/bsd'/],
      [['import', join(dir, 'missing.strace')], /no such file: .*missing\.strace/],
      [['frobnicate'], /Unknown argument|Unknown command/],
    ] as const) {
      const run = hvreplay(db, [...args]);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, pattern);
    }
  });

  it('warns about a line it cannot read, and --strict refuses the whole import, storing nothing', () => {
    // A real recorded line, cut short as a full disk or a killed strace leaves it.
    const lines = readFileSync(join(REPO, 'test/fixtures/traces/mini.strace'), 'utf8').split('\n');
    lines[16] = lines[16]!.slice(0, 90);
    const cut = join(dir, 'cut.strace');
    writeFileSync(cut, lines.join('\n'));
    const strict = hvreplay(db, ['import', cut, '--strict', '--name', 'cut']);
    assert.equal(strict.status, 2);
    assert.match(strict.stderr, /cut\.strace:17: expected an strace line/);
    assert.match(strict.stderr, /nothing was stored/);
    assert.ok(!JSON.parse(hvreplay(db, ['traces', '--json']).stdout).some((t: { name: string }) => t.name === 'cut'));
    const lenient = hvreplay(db, ['import', cut, '--name', 'cut']);
    assert.equal(lenient.status, 0);
    assert.match(lenient.stderr, /warning: 1 line could not be read and is not in the trace \(first: .*cut\.strace:17/);
    assert.match(lenient.stdout, /29 events/);
  });

  it('says a line read only in part is kept as a generic event, and --strict refuses it too', () => {
    // A real kvm_mmio line whose length no u64 holds: the event is kept with its text, not decoded.
    const text = readFileSync(join(REPO, 'test/fixtures/traces/mini.ftrace'), 'utf8').replace(
      'mmio write len 1 gpa',
      'mmio write len 18446744073709551616 gpa',
    );
    const odd = join(dir, 'odd-len.ftrace');
    writeFileSync(odd, text);
    const strict = hvreplay(db, ['import', odd, '--strict', '--name', 'odd-len']);
    assert.equal(strict.status, 2);
    assert.match(strict.stderr, /1 line could be read only in part and is kept as generic events \(--strict\); nothing was stored/);
    const lenient = hvreplay(db, ['import', odd, '--name', 'odd-len']);
    assert.equal(lenient.status, 0, lenient.stderr);
    assert.match(lenient.stderr, /warning: 1 line could be read only in part and is kept as generic events \(first: .*odd-len\.ftrace:\d+/);
    assert.doesNotMatch(lenient.stderr, /not in the trace/);
  });

  it('names the line a truncated .gz breaks off at, and stores nothing of it', () => {
    const whole = readFileSync(join(REPO, 'test/fixtures/traces/qemu-pc-64m.ftrace.gz'));
    const cut = join(dir, 'cut.ftrace.gz');
    writeFileSync(cut, whole.subarray(0, 60_000));
    const run = hvreplay(db, ['import', cut, '--name', 'cut-gz']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /cut\.ftrace\.gz:\d+: bad gzip data after 60000 compressed bytes/);
    assert.ok(!JSON.parse(hvreplay(db, ['traces', '--json']).stdout).some((t: { name: string }) => t.name === 'cut-gz'));
  });

  it('refuses a position that is not an event seq, and a --from after --to', () => {
    for (const args of [
      ['state', 'mini-readonly-slot', '--at', 'abc'],
      ['state', 'mini-readonly-slot', '--at', '-1'],
      ['log', 'mini-readonly-slot', '--from', '5', '--to', '2'],
    ]) {
      const run = hvreplay(db, args);
      assert.equal(run.status, 2, args.join(' '));
      assert.match(run.stderr, /takes an event seq|is after --to/);
    }
  });

  it('ends quietly with status 0 when its reader goes away, as `| head` does', () => {
    // 30,000 events: far more than a pipe buffer, so the write after head exits really fails.
    assert.equal(hvreplay(db, ['import', 'test/fixtures/traces/qemu-pc-64m.ftrace.gz', '--name', 'pc-ftrace']).status, 0);
    const run = spawnSync('bash', ['-c', `node dist/src/cli/main.js --db ${db} log pc-ftrace | head -1; echo "status \${PIPESTATUS[0]}"`], {
      cwd: REPO,
      encoding: 'utf8',
    });
    assert.equal(run.stderr, '');
    const out = run.stdout.trim().split('\n');
    assert.equal(out.length, 2);
    assert.equal(out[1], 'status 0');
  });

  it('runs the demo on the bundled scenarios', () => {
    const run = hvreplay(join(dir, 'demo.db'), ['demo']);
    assert.equal(run.status, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /every expectation holds/);
  });

  it('prints its version', () => {
    const run = hvreplay(db, ['--version']);
    assert.match(run.stdout.trim(), /^\d+\.\d+\.\d+$/);
  });
});
