import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { hvreplay } from '../helpers/cli.js';
import { fixturePath, grepCount } from '../helpers/stored-fixture.js';
import { tempDir } from '../helpers/temp.js';

const db = join(tempDir('hvreplay-stats-'), 'store.db');
const imported = (name: string, files: string[]) => {
  const run = hvreplay(db, ['import', ...files.map(fixturePath), '--name', name]);
  assert.equal(run.status, 0, run.stderr);
};

describe('hvreplay stats', () => {
  before(() => {
    imported('pc', ['qemu-pc-64m.strace.gz', 'qemu-pc-64m.ftrace.gz']);
    imported('migrate', ['migrate.strace.gz', 'migrate.ftrace.gz']);
  });

  it("prints perf kvm stat's table, with strace's count of KVM_EXIT_IO", () => {
    const run = hvreplay(db, ['stats', 'pc']);
    assert.equal(run.status, 0, run.stderr);
    const io = grepCount('qemu-pc-64m.strace.gz', '(KVM_EXIT_IO)');
    assert.match(run.stdout, /REASON +SAMPLES +SAMPLES% +TIME% +MIN us +MAX us +MEAN us +P50 us +P99 us/);
    assert.match(run.stdout, new RegExp(`^KVM_EXIT_IO +${io} +100\\.00% +100\\.00% `, 'm'));
    assert.match(run.stdout, /^KVM_RUN +1651 +EINTR 3 /m);
    assert.match(run.stdout, /^0 +9877 +\d+\.\d{6}/m, 'the run-state row of vCPU 0');
  });

  it('--csv and --by vcpu/ioctl give the same figures in other shapes; --json the whole report', () => {
    const csv = hvreplay(db, ['stats', 'pc', '--csv']).stdout.trim().split('\n');
    assert.equal(csv[0], 'level,reason,samples,share,time_share,timed,min_ns,max_ns,mean_ns,p50_ns,p99_ns,total_ns');
    assert.match(csv[1]!, new RegExp(`^userspace,KVM_EXIT_IO,${grepCount('qemu-pc-64m.strace.gz', '(KVM_EXIT_IO)')},1,1,`));
    assert.match(hvreplay(db, ['stats', 'pc', '--by', 'vcpu']).stdout, /^VCPU +SAMPLES/m);
    assert.match(hvreplay(db, ['stats', 'pc', '--by', 'ioctl', '--csv']).stdout, /^KVM_SET_USER_MEMORY_REGION,30,-,/m);
    const json = JSON.parse(hvreplay(db, ['stats', 'pc', '--json']).stdout) as {
      exitsByReason: { reason: string; count: number }[];
      estimator: string;
      exitRule: string;
    };
    assert.equal(json.exitsByReason[0]?.count, grepCount('qemu-pc-64m.strace.gz', '(KVM_EXIT_IO)'));
    assert.match(json.exitRule, /exitCounts/);
  });

  it('--at, --from/--to limit it to a window of events', () => {
    const json = (args: string[]) =>
      JSON.parse(hvreplay(db, ['stats', 'pc', '--json', ...args]).stdout) as { window: unknown; exitsByReason: { count: number }[] };
    const early = json(['--at', '10000']);
    const late = json(['--from', '10001']);
    const all = json([]);
    assert.deepEqual(early.window, { from: 0, to: 10000, events: 10001 });
    assert.equal(early.exitsByReason[0]!.count + late.exitsByReason[0]!.count, all.exitsByReason[0]!.count);
    assert.equal(hvreplay(db, ['stats', 'pc', '--at', '5', '--from', '2']).status, 2, '--at and --from conflict');
    assert.equal(hvreplay(db, ['stats', 'pc', '--from', '9', '--to', '3']).status, 2);
  });

  it('stats A B: the change in count and time per reason, with the ratio', () => {
    const run = hvreplay(db, ['stats', 'pc', 'migrate']);
    assert.equal(run.status, 0, run.stderr);
    const a = Number(/^KVM_EXIT_IO +(\d+)/m.exec(hvreplay(db, ['stats', 'pc']).stdout)![1]);
    const b = Number(/^KVM_EXIT_IO +(\d+)/m.exec(hvreplay(db, ['stats', 'migrate']).stdout)![1]);
    const row = new RegExp(`^KVM_EXIT_IO +${a} +${b} +${b - a > 0 ? '\\+' : ''}${b - a} +${(b / a).toFixed(3)}x `, 'm');
    assert.match(run.stdout, row);
    assert.match(run.stdout, /^KVM_GET_DIRTY_LOG +0 +4 +\+4 +- /m);
  });
});
