import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hvreplay } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/temp.js';
import { debugScript, positions } from './run.js';

// reverse-continue scans backwards window by window (src/debug/scan.ts). On the real 29,782-event
// qemu-pc-64m ftrace recording, several windows long, every KVM_EXIT_IO exit found going forwards
// must be found going backwards, in the reverse order, and both must be exactly the events an
// independent reading of the trace names: its kvm_userspace_exit lines with that reason.

describe('hvreplay debug: continue and reverse-continue agree across scan windows', () => {
  const dir = tempDir();
  const db = join(dir, 'windows.db');
  const trace = 'test/fixtures/traces/qemu-pc-64m.ftrace.gz';

  it('imports the recording', () => {
    const run = hvreplay(db, ['import', trace, '--name', 'pc']);
    assert.equal(run.status, 0, run.stderr);
  });

  it('finds every KVM_EXIT_IO exit forwards and backwards', () => {
    const log = hvreplay(db, ['log', 'pc', '--name', 'kvm_userspace_exit', '--json']);
    assert.equal(log.status, 0, log.stderr);
    const expected = log.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number; args: { reason?: string } })
      .filter((e) => e.args.reason === 'KVM_EXIT_IO')
      .map((e) => e.seq);
    assert.ok(expected.length > 1000, `${expected.length} exits`);
    const hops = expected.length + 1;
    const forwards = debugScript(db, 'pc', ['break exit KVM_EXIT_IO', ...Array<string>(hops).fill('continue')]);
    assert.equal(forwards.status, 0, forwards.stderr);
    const seen = positions(forwards.stdout);
    assert.deepEqual(seen.slice(0, expected.length), expected);
    const backwards = debugScript(db, 'pc', ['goto end', 'break exit KVM_EXIT_IO', ...Array<string>(hops).fill('reverse-continue')]);
    assert.equal(backwards.status, 0, backwards.stderr);
    assert.deepEqual(positions(backwards.stdout).slice(1, 1 + expected.length), [...expected].reverse());
    assert.equal(positions(backwards.stdout)[1 + expected.length], 0, 'then the start of the trace');
  });
});
