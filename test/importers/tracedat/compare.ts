// Compares what the reader decodes from a trace.dat with what `trace-cmd report -t -R` prints for
// it: the same events in the same order, each with the same task, CPU, time (to the nanosecond),
// name and field values.
import assert from 'node:assert/strict';
import { openTraceDat } from '../../../src/importers/tracedat/reader.js';
import { ImportStats } from '../../../src/importers/stats.js';
import { parseReportLine, rawFieldTexts, report, sameField } from './oracle.js';

export interface Compared {
  events: number;
  names: Map<string, number>;
  fieldsChecked: number;
}

/** Runs trace-cmd report -t -R on the file and compares. */
export async function compareWithReport(path: string): Promise<Compared> {
  return compareRecords(path, report(path, '-t', '-R'));
}

/** Compares the file's records with the event lines of a `trace-cmd report -t -R` of it. */
export async function compareRecords(path: string, reportLines: readonly string[]): Promise<Compared> {
  const lines = reportLines.filter((l) => !/^\s*[\w.-]*:?\s*cpus=\d+$/.test(l) && !/^CPU:\d+ \[/.test(l));
  const td = await openTraceDat(path, path);
  const stats = new ImportStats();
  const builder = td.builder(stats);
  const names = new Map<string, number>();
  let i = 0;
  let fieldsChecked = 0;
  try {
    for (const r of td.records(stats)) {
      const line = lines[i++];
      assert.ok(line !== undefined, `trace-cmd printed ${i - 1} events, the reader has more (record at line ${r.line})`);
      const want = parseReportLine(line);
      assert.ok(want, `not an event line of trace-cmd report: ${line}`);
      const where = `event ${i} (${line.trim().slice(0, 120)})`;
      assert.ok(r.spec, `${where}: no format for type ${r.id}`);
      assert.equal(r.spec.format.name, want.event, `${where}: name`);
      assert.equal(r.cpu, want.cpu, `${where}: cpu`);
      assert.equal(r.pid, want.pid, `${where}: pid`);
      assert.equal(builder.comm(r.pid), want.comm, `${where}: comm`);
      assert.equal(BigInt(Math.round(r.ts)), want.ns, `${where}: time`);
      const fields = r.spec.format.fields;
      const texts = rawFieldTexts(
        want.payload,
        fields.map((f) => f.name),
      );
      assert.ok(texts, `${where}: trace-cmd's fields are not ${fields.map((f) => f.name).join(', ')}`);
      for (const f of fields) {
        const text = texts.get(f.name)!;
        const value = r.fields[f.name]!;
        assert.ok(
          sameField(text, value, f, false, (a) => builder.symbol(a)) || builder.printkString(value) === text,
          `${where}: field ${f.name} (${f.type}): trace-cmd prints ${JSON.stringify(text)}, the reader decoded ${JSON.stringify(value)}`,
        );
        fieldsChecked++;
      }
      names.set(want.event, (names.get(want.event) ?? 0) + 1);
    }
  } finally {
    td.close();
  }
  assert.equal(i, lines.length, `trace-cmd printed ${lines.length} events, the reader ${i}`);
  assert.deepEqual(stats.problems, []);
  return { events: i, names, fieldsChecked };
}
