// Throughput of the ftrace importer alone: stream a (possibly .gz) file through the parser with no
// storage and print lines/s. Usage: node dist/bench/parse-ftrace.js FILE[.gz]
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { NewEvent } from '../src/model/event.js';
import { ftraceFormat } from '../src/importers/ftrace/format.js';
import { ImportStats } from '../src/importers/stats.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: parse-ftrace FILE[.gz]');
  process.exit(2);
}
const stats = new ImportStats();
let events = 0;
let lastKind = '';
const parser = ftraceFormat.createParser({
  file,
  stats,
  emit(e: NewEvent) {
    events++;
    lastKind = e.kind; // touch the event so the work is not optimised away
  },
});
const raw = createReadStream(file, { highWaterMark: 1 << 20 });
const input = file.endsWith('.gz') ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
const rl = createInterface({ input, crlfDelay: Infinity });
const t0 = process.hrtime.bigint();
let lineNo = 0;
for await (const line of rl) parser.line(line, ++lineNo);
parser.end();
const s = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(
  JSON.stringify({
    file,
    lines: lineNo,
    events,
    seconds: +s.toFixed(3),
    linesPerSecond: Math.round(lineNo / s),
    lastKind,
    stats: stats.toJSON().counts,
  }),
);
