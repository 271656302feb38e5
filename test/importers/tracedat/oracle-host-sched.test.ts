import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareWithReport } from './compare.js';
import { fixturePath } from './files.js';
import { traceCmdMissing } from './oracle.js';

// The two real files of /work/shared/traces (test/fixtures/traces/README.md): the same recording
// as version 7 (zstd sections and chunks) and as version 6 (uncompressed), against trace-cmd.

const skip = traceCmdMissing();

for (const name of ['host-sched-v7.dat', 'host-sched-v6.dat.gz']) {
  describe(`trace.dat ${name} against trace-cmd report -t -R`, { skip }, () => {
    it('has the 9,173 events trace-cmd prints, each with the same task, CPU, time, name and fields', () => {
      const c = compareWithReport(fixturePath(name));
      assert.equal(c.events, 9173);
      assert.deepEqual(Object.fromEntries(c.names), {
        sched_switch: 5533,
        sched_wakeup: 2768,
        sys_enter_ioctl: 435,
        sys_exit_ioctl: 435,
        print: 2,
      });
      assert.ok(c.fieldsChecked > 9173 * 4);
    });
  });
}
