import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NewEvent } from '../../../src/model/event.js';
import { ftraceFormat } from '../../../src/importers/ftrace/format.js';
import { openTraceDat } from '../../../src/importers/tracedat/reader.js';
import { ImportStats } from '../../../src/importers/stats.js';
import { parseLines } from '../fixtures.js';
import { compareWithReport } from './compare.js';
import { fixturePath } from './files.js';
import { report, traceCmdMissing } from './oracle.js';

// The real trace.dat files, against trace-cmd: host-sched (the same recording as version 7 with
// zstd sections and chunks, and as version 6, uncompressed) and kvm-mini (a KVM run traced in a
// tracefs instance, so its events are in a named buffer beside an empty top one).

const skip = traceCmdMissing();

async function events(path: string): Promise<NewEvent[]> {
  const td = await openTraceDat(path, path);
  const out: NewEvent[] = [];
  try {
    for await (const batch of td.events(new ImportStats())) out.push(...batch);
  } finally {
    td.close();
  }
  return out;
}

const FILES: [string, number, Record<string, number>][] = [
  ['host-sched-v7.dat', 9173, { sched_switch: 5533, sched_wakeup: 2768, sys_enter_ioctl: 435, sys_exit_ioctl: 435, print: 2 }],
  ['host-sched-v6.dat.gz', 9173, { sched_switch: 5533, sched_wakeup: 2768, sys_enter_ioctl: 435, sys_exit_ioctl: 435, print: 2 }],
  [
    'kvm-mini.dat',
    53,
    { sched_switch: 32, kvm_fpu: 6, kvm_userspace_exit: 3, kvm_unmap_hva_range: 3, print: 2, kvm_update_master_clock: 2 },
  ],
  [
    'kvm-mini-v6.dat.gz',
    53,
    { sched_switch: 32, kvm_fpu: 6, kvm_userspace_exit: 3, kvm_unmap_hva_range: 3, print: 2, kvm_update_master_clock: 2 },
  ],
];

for (const [name, count, some] of FILES) {
  describe(`trace.dat ${name} against trace-cmd report`, { skip }, () => {
    it(`has the ${count} events trace-cmd prints (-t -R), each with the same task, CPU, time, name and raw fields`, async () => {
      const c = await compareWithReport(fixturePath(name));
      assert.equal(c.events, count);
      for (const [event, n] of Object.entries(some)) assert.equal(c.names.get(event), n, event);
      assert.ok(c.fieldsChecked >= count * 3);
    });

    it('maps to the same events as the text importer makes of trace-cmd report -N (TP_printk, no plugins)', async () => {
      const path = fixturePath(name);
      // trace-cmd prefixes the lines of an instance's buffer with its name ("hvtd-3075: "), which the
      // text importer does not expect; the prefix is dropped first.
      const lines = report(path, '-t', '-N').map((l) => l.replace(/^\s*hvtd-\d+: /, ''));
      const text = parseLines(ftraceFormat, name, lines);
      const binary = await events(path);
      assert.equal(text.stats.problems.length, 0);
      assert.equal(binary.length, text.events.length);
      for (const [i, b] of binary.entries()) {
        const t = text.events[i]!;
        const where = `event ${i + 1} (${b.name} at ${b.ts})`;
        assert.deepEqual([b.pid, b.cpu, b.comm, b.ts], [t.pid, t.cpu, t.comm, t.ts], where);
        // trace-cmd report names a trace_marker write "print" and prints "%ps: %s" after it, where
        // tracefs shows "tracing_mark_write: TEXT"; the reader names it as tracefs does.
        if (t.name === 'print') {
          assert.equal(b.kind, 'marker', where);
          assert.equal(`${b.name}: ${String(b.args.text)}`, t.args.raw, where);
          continue;
        }
        assert.equal(b.name, t.name, where);
        assert.equal(b.kind, t.kind, where);
        if (b.kind !== 'generic') assert.deepEqual([b.args, b.vcpu, b.result], [t.args, t.vcpu, t.result], where);
      }
    });
  });
}
