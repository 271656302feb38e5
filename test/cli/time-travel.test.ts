import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hvreplay } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

// The acceptance runs of the time-travel issue, as a user types them.

const XEN = 'scenarios/xen-runstate-kpti.yaml';
const ROM = 'scenarios/kvm-readonly-bios-rom.yaml';

describe('diff, bisect and state through the CLI', () => {
  const dir = tempDir();
  const db = join(dir, 'tt.db');

  it('diff of the two Xen runstate policies exits 1 at the first update: upstream stores the flag in 1 byte, the Arm patch in 8', () => {
    const run = hvreplay(db, [
      'diff',
      XEN,
      '--policy',
      'xen-runstate/va-at-switch',
      '--policy',
      'xen-runstate/va-at-register',
      '--json',
      '--all',
    ]);
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.first.event.label, 'deschedule-in-kernel');
    const flag = (e: { kind: string; what?: string }) => e.kind === 'guest_write' && e.what === 'state_entry_time |= XEN_RUNSTATE_UPDATE';
    assert.equal(report.first.effects.onlyA.find(flag).bytes, 1);
    assert.equal(report.first.effects.onlyB.find(flag).bytes, 8);
    const user = report.divergences.find((d: { event: { label?: string } }) => d.event.label === 'deschedule-in-user');
    assert.ok(
      user.effects.onlyA.some(
        (e: { kind: string; message?: string }) => e.kind === 'log' && /Failed to walk page-table va/.test(e.message ?? ''),
      ),
    );
    assert.ok(user.effects.onlyB.some((e: { kind: string }) => e.kind === 'guest_write'));
  });

  it('diff of a policy against itself exits 0', () => {
    const run = hvreplay(db, ['diff', XEN, '--policy', 'xen-runstate/va-at-switch', '--policy', 'xen-runstate/va-at-switch']);
    assert.equal(run.status, 0, run.stderr + run.stdout);
  });

  it('diff with a bad policy is trouble: exit 2', () => {
    assert.equal(hvreplay(db, ['diff', XEN, '--policy', 'xen-runstate/nope', '--policy', 'xen-runstate/va-at-switch']).status, 2);
  });

  it('bisect --when finds the event where the VM dies under Linux 3.6', () => {
    const run = hvreplay(db, ['bisect', ROM, '--kernel', '3.6', '--when', 'state.vms[0].status == "crashed"']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /first bad event: @9 /);
    assert.match(run.stdout, /=> 9 .*# read-swapped-rom/);
    const rebuilt = Number(/(\d+) states rebuilt/.exec(run.stdout)?.[1]);
    assert.ok(rebuilt <= Math.ceil(Math.log2(15)) + 2, run.stdout);
  });

  it('bisect --run finds the same event with a program as the predicate, as git bisect run does', () => {
    const script = join(dir, 'crashed.sh');
    writeFileSync(
      script,
      '#!/bin/sh\n# $HVREPLAY_SEQ is the position; the state arrives as JSON on stdin\ntest -n "$HVREPLAY_SEQ" || exit 200\ngrep -q \'"status":"crashed"\' && exit 1 || exit 0\n',
    );
    chmodSync(script, 0o755);
    const run = hvreplay(db, ['bisect', ROM, '--kernel', '3.6', '--run', script]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /first bad event: @9 /);
  });

  it('bisect reports a predicate that never holds, with a clear message', () => {
    const run = hvreplay(db, ['bisect', ROM, '--when', 'state.vms[0].status == "crashed"']);
    assert.notEqual(run.status, 0);
    assert.match(run.stdout + run.stderr, /never|not hold|no event/i);
  });

  it('a bad predicate is a usage error that points at the expression', () => {
    const run = hvreplay(db, ['bisect', ROM, '--when', 'state.vms[0].status ==']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /state\.vms\[0\]\.status ==/);
  });

  it('state --at seeks to the same state as a full replay shows', () => {
    const seek = JSON.parse(
      hvreplay(db, ['state', ROM, '--at', '12', '--policy', 'kvm-readonly/prot-read', '--policy', 'kvm-memslot/linux-3.6', '--json'])
        .stdout,
    );
    assert.equal(seek.state.vms[0].status, 'crashed');
    assert.equal(seek.state.vms[0].crash.seq, 9);
  });
});
