import { fileWriter, ParquetWriter, schemaFromColumnData, type BasicType, type ColumnSource } from 'hyparquet-writer';
import type { TraceEvent } from '../../../model/event.js';
import type { TraceRecord } from '../../../store/traces.js';

// A trace's stored events as one Apache Parquet file, for engines that query many traces at once
// (DuckDB, Spark, Trino): README "Performance", "Many traces". One row per event, in seq order, with
// the trace's name in every row, so that a directory of such files is one table:
//
//   SELECT trace, name, count(*) FROM read_parquet('traces/*.parquet') GROUP BY ALL;
//
// Written a row group at a time (ROW_GROUP events), so memory does not grow with the trace. The
// columns are EVENTS_PARQUET_SCHEMA; args and result are JSON text (Parquet's JSON logical type).

/** Rows per row group: about 10 MB of columns in memory for an ftrace trace. */
export const ROW_GROUP = 100_000;

/** The file's columns, documented in README "Many traces". Bump the version when they change. */
export const EVENTS_PARQUET_VERSION = '1';
export const EVENTS_PARQUET_SCHEMA: readonly { name: string; type: BasicType; nullable: boolean; meaning: string }[] = [
  { name: 'trace', type: 'STRING', nullable: false, meaning: "the trace's name in its store" },
  { name: 'seq', type: 'INT64', nullable: false, meaning: 'position in the trace, dense from 0' },
  {
    name: 'kind',
    type: 'STRING',
    nullable: false,
    meaning: 'ioctl, syscall, hypercall, fault, context_switch, exit, guest, marker or generic',
  },
  { name: 'name', type: 'STRING', nullable: false, meaning: 'the event name (KVM_RUN, kvm_exit, ...)' },
  { name: 'ts', type: 'DOUBLE', nullable: true, meaning: "seconds on the source's clock" },
  { name: 'pid', type: 'INT64', nullable: true, meaning: 'process (thread-group leader)' },
  { name: 'tid', type: 'INT64', nullable: true, meaning: 'thread' },
  { name: 'comm', type: 'STRING', nullable: true, meaning: 'task name' },
  { name: 'cpu', type: 'INT32', nullable: true, meaning: 'host CPU' },
  { name: 'vm', type: 'INT32', nullable: true, meaning: 'VM index, where known' },
  { name: 'vcpu', type: 'INT32', nullable: true, meaning: 'vCPU id, where known' },
  { name: 'args', type: 'JSON', nullable: false, meaning: 'arguments as a JSON object ({"raw": text} for an event kept as its text)' },
  { name: 'result', type: 'JSON', nullable: true, meaning: 'what the source observed: ret, errno, exit, fdPath, duration' },
  { name: 'src_file', type: 'STRING', nullable: true, meaning: 'the file the event came from' },
  { name: 'src_line', type: 'INT64', nullable: true, meaning: 'its line (or record number)' },
  { name: 'label', type: 'STRING', nullable: true, meaning: "a scenario event's label" },
];

type Columns = Record<string, unknown[]>;

function emptyColumns(): Columns {
  return Object.fromEntries(EVENTS_PARQUET_SCHEMA.map((c) => [c.name, []]));
}

function push(columns: Columns, trace: string, e: TraceEvent): void {
  const c = columns as Record<string, (string | number | bigint | object | null)[]>;
  c.trace!.push(trace);
  c.seq!.push(BigInt(e.seq));
  c.kind!.push(e.kind);
  c.name!.push(e.name);
  c.ts!.push(e.ts ?? null);
  c.pid!.push(e.pid === undefined ? null : BigInt(e.pid));
  c.tid!.push(e.tid === undefined ? null : BigInt(e.tid));
  c.comm!.push(e.comm ?? null);
  c.cpu!.push(e.cpu ?? null);
  c.vm!.push(e.vm ?? null);
  c.vcpu!.push(e.vcpu ?? null);
  // The JSON columns take the values; the writer makes their text.
  c.args!.push(e.args);
  c.result!.push(e.result ?? null);
  c.src_file!.push(e.src?.file ?? null);
  c.src_line!.push(e.src === undefined ? null : BigInt(e.src.line));
  c.label!.push(e.label ?? null);
}

function columnData(columns: Columns): ColumnSource[] {
  return EVENTS_PARQUET_SCHEMA.map(({ name, type, nullable }) => ({ name, type, nullable, data: columns[name]! as ColumnSource['data'] }));
}

/** Writes `events` (a trace's, in seq order) to `path`; returns how many rows were written. */
export function writeEventsParquet(
  path: string,
  trace: TraceRecord,
  events: Iterable<TraceEvent>,
  onRows?: (rows: number) => void,
): number {
  const writer = new ParquetWriter({
    writer: fileWriter(path),
    schema: schemaFromColumnData({ columnData: columnData(emptyColumns()) }),
    kvMetadata: [
      { key: 'hvreplay.events_parquet_version', value: EVENTS_PARQUET_VERSION },
      { key: 'hvreplay.trace', value: trace.name },
      { key: 'hvreplay.format', value: trace.format },
      { key: 'hvreplay.sources', value: JSON.stringify(trace.sources) },
      { key: 'hvreplay.content_hash', value: trace.contentHash },
      { key: 'hvreplay.event_count', value: String(trace.eventCount) },
      { key: 'hvreplay.meta', value: JSON.stringify(trace.meta) },
    ],
    createdBy: 'hvreplay',
  });
  let columns = emptyColumns();
  let rows = 0;
  let pending = 0;
  const flush = () => {
    if (pending === 0) return;
    void writer.write({ columnData: columnData(columns), rowGroupSize: ROW_GROUP });
    columns = emptyColumns();
    pending = 0;
    onRows?.(rows);
  };
  for (const e of events) {
    push(columns, trace.name, e);
    rows++;
    if (++pending === ROW_GROUP) flush();
  }
  flush();
  writer.finish();
  return rows;
}
