import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { importFiles } from '../../../src/importers/import.js';
import { openStore } from '../../../src/store/open.js';
import { readEvents } from '../../../src/store/event-reader.js';
import { getTrace } from '../../../src/store/traces.js';
import { tempDir } from '../../helpers/temp.js';
import { compareRecords } from './compare.js';
import { FIXTURES, fixturePath } from './files.js';
import { parseReportLine } from './oracle.js';

// A real host/guest pair from stored public material (test/fixtures/traces/README.md): recorded
// with `trace-cmd record -A` and a guest agent, version 7, zlib, clock tsc2nsec; the guest file
// carries TIME_SHIFT samples to the host's trace id, the host file a GUEST option mapping vCPU 0
// to host thread 483882. Debian's trace-cmd is built without zlib, so the oracle is kept beside
// them: `trace-cmd report -t -R -i HOST -i GUEST` by trace-cmd 3.1.6 built from source with zlib.

const HOST = 'borrowed-hostguest-host.dat';
const GUEST = 'borrowed-hostguest-guest.dat';
const oracle = gunzipSync(readFileSync(`${FIXTURES}borrowed-hostguest.report.gz`))
  .toString('utf8')
  .split('\n')
  .filter((l) => l !== '');
const ofFile = (name: string): string[] =>
  oracle.filter((l) => l.trimStart().startsWith(`${name}:`)).map((l) => l.replace(/^\s*[\w.-]+: /, ''));

describe('a guest trace.dat beside its host trace.dat', () => {
  it('reads the host file (zlib, TSC2NSEC) as trace-cmd does: 11,721 kvm_entry/kvm_exit with every field', async () => {
    const c = await compareRecords(fixturePath(HOST), ofFile(HOST));
    assert.equal(c.events, 11721);
    assert.deepEqual(Object.fromEntries(c.names), { kvm_entry: 5861, kvm_exit: 5860 });
  });

  it("reads the guest file as trace-cmd does, its times moved to the host's clock by TIME_SHIFT", async () => {
    const c = await compareRecords(fixturePath(GUEST), ofFile(GUEST));
    assert.equal(c.events, 90029);
  });

  it("merges them into one trace in trace-cmd's order, the guest's events as guest events of the host's vCPU thread", async () => {
    {
      const db = openStore(`${tempDir()}/t.db`);
      try {
        const result = await importFiles(db, { files: [fixturePath(HOST), fixturePath(GUEST)], name: 'pair' });
        assert.ok(result.clockNotes?.some((n) => n.includes("times moved to the host's clock by its TIME_SHIFT samples")));
        const trace = getTrace(db, 'pair');
        // No strace and no marker: the host's trace clock stays the reference, and the import says so.
        assert.equal((trace.meta.clock as { reference: string }).reference, 'trace clock');
        const events = [...readEvents(db, trace)];
        const want = oracle.map((l) => ({ guest: l.trimStart().startsWith(`${GUEST}:`), r: parseReportLine(l) })).filter((w) => w.r);
        assert.equal(events.length, want.length);
        assert.equal(events.length, 11721 + 90029);
        for (const [i, e] of events.entries()) {
          const w = want[i]!;
          const where = `event ${i}: ${oracle[i + 2]}`;
          assert.equal(e.name, w.r!.event, where);
          assert.equal(BigInt(Math.round(e.ts! * 1e9)), w.r!.ns, where);
          if (w.guest) {
            assert.equal(e.kind, 'guest', where);
            assert.deepEqual([e.vcpu, e.tid, e.cpu, e.args.guest_pid], [w.r!.cpu, 483882, undefined, w.r!.pid], where);
          } else assert.deepEqual([e.cpu, e.pid], [w.r!.cpu, w.r!.pid], where);
        }
        const exits = events.filter((e) => e.name === 'kvm_exit');
        assert.ok(exits.every((e) => e.kind === 'exit' && e.args.isa === 1 && typeof e.args.reason === 'string'));
        assert.equal(exits.filter((e) => e.args.reason === 'EPT_MISCONFIG').length > 0, true);
      } finally {
        db.close();
      }
    }
  });
});
