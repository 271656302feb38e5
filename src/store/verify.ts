import { crc32 } from 'node:zlib';
import { BLOCK_EVENTS, PAGE_SQL } from './event-codec.js';
import { contentChecksum, pageBlockCrcs } from './event-blocks.js';
import { hasChecksums } from './schema.js';
import { decodeState } from './snapshots.js';
import type { SqlDatabase } from './sql.js';
import { findTrace, listTraceIds, type TraceRecord } from './traces.js';

// `hvreplay verify [TRACE]`: everything that can be checked without the source files. SQLite's own
// integrity_check of the file's structure, then per trace its row, the count and seq sequence of its
// events, and the CRC of each block of events against what the import recorded, the interned texts,
// and the snapshots (a cache: a damaged one can be dropped and rebuilt).

/** Problems listed per trace before the rest are only counted. */
const LISTED = 20;

export interface TraceVerdict {
  id: number;
  name: string;
  events: number;
  /** 'checked': every block matched its CRC; 'unavailable': imported before CRCs were kept. */
  content: 'checked' | 'unavailable' | 'damaged';
  problems: string[];
}

export interface VerifyReport {
  /** What integrity_check said: ["ok"] for a sound file. */
  integrity: string[];
  traces: TraceVerdict[];
  strings: { checked: number; problems: string[] };
  snapshots: { checked: number; problems: string[] };
  ok: boolean;
}

function attempt(problems: string[], what: string, work: () => void): void {
  try {
    work();
  } catch (error) {
    problems.push(`${what}: ${(error as Error).message}`);
  }
}

function checkEvents(db: SqlDatabase, trace: TraceRecord, verdict: TraceVerdict): void {
  const { n, lo, hi } = db.prepare('SELECT count(*) AS n, min(seq) AS lo, max(seq) AS hi FROM events WHERE trace_id = ?').get(trace.id) as {
    n: number;
    lo: number | null;
    hi: number | null;
  };
  if (n !== trace.eventCount || (n > 0 && (lo !== 0 || hi !== n - 1)))
    verdict.problems.push(
      `${n} events stored (seq ${lo ?? '-'} to ${hi ?? '-'}), the trace counts ${trace.eventCount} (0 to ${trace.eventCount - 1})`,
    );
  if (trace.checksum === null || !hasChecksums(db)) {
    verdict.content = 'unavailable';
    return;
  }
  const recorded = db.prepare('SELECT block, crc FROM event_blocks WHERE trace_id = ? ORDER BY block').raw().all(trace.id) as [
    number,
    number,
  ][];
  if (contentChecksum(recorded.map(([, crc]) => crc)) !== trace.checksum)
    verdict.problems.push('the block checksums differ from the trace checksum');
  const blocks = Math.ceil(trace.eventCount / BLOCK_EVENTS);
  if (recorded.length !== blocks || recorded.some(([block], i) => block !== i))
    verdict.problems.push(`${recorded.length} block checksums recorded for ${blocks} blocks`);
  const page = db.prepare(PAGE_SQL).pluck();
  let bad = 0;
  for (let block = 0; block < blocks; block++) {
    const from = block * BLOCK_EVENTS;
    const last = Math.min(trace.eventCount, from + BLOCK_EVENTS) - 1;
    let read: number | undefined;
    try {
      const text = page.get({ trace: trace.id, from, last }) as string | null;
      read = text === null ? undefined : pageBlockCrcs(text)?.[0];
    } catch {
      read = undefined;
    }
    if (read !== undefined && read === recorded[block]?.[1]) continue;
    if (++bad <= LISTED) verdict.problems.push(`events ${from} to ${last} differ from the checksum recorded at import`);
  }
  if (bad > LISTED) verdict.problems.push(`... ${bad - LISTED} more damaged blocks of ${BLOCK_EVENTS} events`);
  verdict.content = bad === 0 && verdict.problems.length === 0 ? 'checked' : 'damaged';
}

function checkStrings(db: SqlDatabase): VerifyReport['strings'] {
  const out = { checked: 0, problems: [] as string[] };
  if (!hasChecksums(db)) return out;
  attempt(out.problems, 'interned texts', () => {
    for (const [id, text, crc] of db.prepare('SELECT id, text, crc FROM strings WHERE crc IS NOT NULL').raw().iterate() as Iterable<
      [number, unknown, number]
    >) {
      out.checked++;
      if (typeof text !== 'string' || crc32(text) !== crc) out.problems.push(`interned text ${id} differs from its checksum`);
    }
  });
  return out;
}

function checkSnapshots(db: SqlDatabase, traceIds: Set<number>): VerifyReport['snapshots'] {
  const out = { checked: 0, problems: [] as string[] };
  attempt(out.problems, 'snapshots', () => {
    for (const [traceId, policyKey, seq, blob] of db
      .prepare('SELECT trace_id, policy_key, seq, state FROM snapshots')
      .raw()
      .iterate() as Iterable<[number, string, number, Buffer]>) {
      if (!traceIds.has(traceId)) continue;
      out.checked++;
      try {
        decodeState(blob, seq);
      } catch (error) {
        if (out.problems.length < LISTED)
          out.problems.push(
            `#${traceId} under ${policyKey}: ${(error as Error).message} (a cache: re-import the trace, or delete the snapshots)`,
          );
      }
    }
  });
  return out;
}

export function verifyStore(db: SqlDatabase, ref?: string): VerifyReport {
  const integrity: string[] = [];
  attempt(integrity, 'integrity_check', () => integrity.push(...(db.prepare('PRAGMA integrity_check(100)').pluck().all() as string[])));
  const traces: TraceVerdict[] = [];
  const ids = ref === undefined ? listTraceIds(db) : [findTrace(db, ref)?.id ?? -1];
  for (const id of ids) {
    const verdict: TraceVerdict = { id, name: '?', events: 0, content: 'damaged', problems: [] };
    traces.push(verdict);
    attempt(verdict.problems, 'its row', () => {
      const trace = findTrace(db, `#${id}`);
      if (!trace) throw new Error(ref === undefined ? 'missing' : `no trace '${ref}'`);
      Object.assign(verdict, { name: trace.name, events: trace.eventCount });
      checkEvents(db, trace, verdict);
    });
  }
  const strings = checkStrings(db);
  const snapshots = checkSnapshots(db, new Set(ids));
  const ok =
    integrity.length === 1 &&
    integrity[0] === 'ok' &&
    traces.every((t) => t.problems.length === 0) &&
    strings.problems.length === 0 &&
    snapshots.problems.length === 0;
  return { integrity, traces, strings, snapshots, ok };
}
