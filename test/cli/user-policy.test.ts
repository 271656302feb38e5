import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStore } from '../../src/store/open.js';
import { hvreplay } from '../helpers/cli.js';
import { REPO, tempDir } from '../helpers/temp.js';

// Policies from users' files, through the CLI as a user runs it: `--policy ./file.js` wherever
// `--policy AREA/VARIANT` works, snapshots keyed by the file's content, a throwing policy reported
// with its file and event.

const PC = 'test/fixtures/traces/qemu-pc-64m.strace.gz';
const EIGHT = './test/fixtures/policies/eight-slots.js';
const THROWS = './test/fixtures/policies/throws-on-run.js';

describe('policies from users files', () => {
  const dir = tempDir();
  const db = join(dir, 'user.db');
  const snapshotSets = () => {
    const store = openStore(db);
    try {
      return store.prepare('SELECT policy_key FROM snapshot_sets ORDER BY policy_key').pluck().all() as string[];
    } finally {
      store.close();
    }
  };

  it('diff against upstream exits 1 and names the first divergence, on a real recording', () => {
    assert.equal(hvreplay(db, ['import', PC, '--name', 'pc']).status, 0);
    const run = hvreplay(db, ['diff', 'pc', '--policy', 'kvm-memslot/linux', '--policy', EIGHT]);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /^first divergence of 'pc':\n@290 \[test\/fixtures\/traces\/qemu-pc-64m\.strace\.gz:291\]/m);
    assert.match(run.stdout, /KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS\) = 32764/);
    assert.match(run.stdout, /B only: \{"kind":"result","ret":8\}/);
  });

  it('keys the snapshots of a file policy by its content, and builds new ones when the file changes', () => {
    // A copy the test may edit; it must still find 'hvreplay', so it lives inside the package.
    const beside = join(REPO, 'test/fixtures/policies/.copy-eight.js');
    copyFileSync(join(REPO, EIGHT), beside);
    try {
      assert.equal(hvreplay(db, ['replay', 'pc', '--quiet', '--policy', beside]).status, 0);
      const first = snapshotSets().filter((k) => k.startsWith('kvm-memslot/eight-slots@'));
      assert.equal(first.length, 1);
      assert.equal(hvreplay(db, ['replay', 'pc', '--quiet', '--policy', beside]).status, 0);
      assert.deepEqual(
        snapshotSets().filter((k) => k.startsWith('kvm-memslot/eight-slots@')),
        first,
        'reused while unchanged',
      );
      writeFileSync(beside, readFileSync(beside, 'utf8').replace('userMemSlots: 8', 'userMemSlots: 9'));
      const state = hvreplay(db, ['state', 'pc', '--at', '290', '--policy', beside, '--json']);
      assert.equal(state.status, 0, state.stderr);
      assert.deepEqual(JSON.parse(state.stdout).effects, [{ kind: 'result', ret: 9 }]);
      assert.equal(hvreplay(db, ['replay', 'pc', '--quiet', '--policy', beside]).status, 0);
      const after = snapshotSets().filter((k) => k.startsWith('kvm-memslot/eight-slots@'));
      assert.equal(after.length, 2, 'a changed file is a new policy');
    } finally {
      rmSync(beside, { force: true });
    }
  });

  it('reports a policy that throws with its file and the event, exit 2, and stores nothing', () => {
    const before = snapshotSets();
    for (const args of [
      ['replay', 'pc', '--quiet', '--policy', THROWS],
      ['conform', 'pc', '--policy', THROWS],
      ['bisect', 'pc', '--when', 'event.seq > 1000.0', '--policy', THROWS],
    ]) {
      const run = hvreplay(db, args);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(
        run.stderr,
        /policy kvm-memslot\/throws-on-run from \.\/test\/fixtures\/policies\/throws-on-run\.js failed at event @290 ioctl:KVM_CHECK_EXTENSION/,
      );
      assert.match(
        run.stderr,
        /Error: this policy cannot count slots\n +at KVM_CAP_NR_MEMSLOTS \(file:\/\/.*throws-on-run\.js:\d+:\d+\)\nnothing stored was changed/,
      );
    }
    assert.deepEqual(snapshotSets(), before);
  });

  it('works in the debugger and in a scenario expectation', () => {
    const debug = hvreplay(db, ['debug', 'pc', '--at', '290'], { input: `policy ${EIGHT}\nwhere\n` });
    assert.equal(debug.status, 0, debug.stderr);
    assert.match(debug.stdout, /Policy kvm-memslot\/eight-slots for kvm-memslot\./);
    assert.match(debug.stdout, /effect: \{"kind":"result","ret":8\}/);
    const scenario = join(REPO, 'test/fixtures/policies/.slots.yaml');
    writeFileSync(
      scenario,
      [
        'name: user-policy-expect',
        'description: an expectation under a policy file beside the scenario',
        'source: test',
        'arch: x86_64',
        'events:',
        '  - ioctl: KVM_CHECK_EXTENSION',
        '    label: ask',
        '    args: { fd: 3, fdPath: /dev/kvm, cap: KVM_CAP_NR_MEMSLOTS }',
        'expect:',
        '  - at: ask',
        '    policy: ./eight-slots.js',
        '    effects: [{ kind: result, ret: 8 }]',
        '  - at: ask',
        '    effects: [{ kind: result, ret: 32764 }]',
        '',
      ].join('\n'),
    );
    try {
      const check = hvreplay(db, ['check', scenario, '--json']);
      assert.equal(check.status, 0, check.stdout + check.stderr);
      assert.equal(JSON.parse(check.stdout).passed, 2);
    } finally {
      rmSync(scenario, { force: true });
    }
  });
});

describe('the worked example in examples/ (README "A worked example")', () => {
  const db = join(tempDir(), 'example.db');

  it('diffs the proposal against upstream on its scenario: exit 1, first divergence at the capability query', () => {
    const run = hvreplay(db, [
      'diff',
      'examples/exit-on-missing-postcopy.yaml',
      '--policy',
      'kvm-readonly/memslot-flag',
      '--policy',
      './examples/exit-on-missing-v7.js',
    ]);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /^first divergence of 'kvm-exit-on-missing-postcopy':\n@0 \[examples\/exit-on-missing-postcopy\.yaml:18\]/m);
    assert.match(run.stdout, /B only: \{"kind":"result","ret":1\}/);
    assert.match(
      run.stdout,
      /1 of 14 events diverge/,
      'the old memslot ioctl refuses bit 3 upstream, so the readonly side alone parts only at the capability',
    );
    const both = hvreplay(db, [
      'diff',
      'examples/exit-on-missing-postcopy.yaml',
      '-a',
      'kvm-readonly/memslot-flag',
      '-b',
      './examples/exit-on-missing-v7.js',
      './examples/exit-on-missing-v7-memslot.js',
    ]);
    assert.equal(both.status, 1, both.stderr);
    assert.match(both.stdout, /7 of 14 events diverge/);
    assert.match(both.stdout, /^vms\[0\]\.memslots\[0\]\.flags +@8 /m);
    assert.match(both.stdout, /^vms\[0\]\.vcpus\[0\]\.exitCounts\.KVM_EXIT_MEMORY_FAULT +@11 /m);
  });

  it('passes the scenario expectations under both kernels, and agrees with upstream on the real recording', () => {
    const check = hvreplay(db, ['check', 'examples/exit-on-missing-postcopy.yaml']);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /7 passed, 0 failed/);
    assert.equal(hvreplay(db, ['import', PC, '--name', 'pc']).status, 0);
    const real = hvreplay(db, ['diff', 'pc', '--policy', 'kvm-readonly/memslot-flag', '--policy', './examples/exit-on-missing-v7.js']);
    assert.equal(real.status, 0, real.stdout + real.stderr);
  });
});
