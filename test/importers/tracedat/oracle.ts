// `trace-cmd report` as the oracle for the trace.dat reader: its raw field output (-R) with full
// nanosecond times (-t), parsed into comparable records.
import { spawnSync } from 'node:child_process';
import type { ArgValue } from '../../../src/model/event.js';
import type { FieldFormat } from '../../../src/importers/tracedat/event-format.js';
import { tokenizeFtraceLine } from '../../../src/importers/ftrace/tokenizer.js';

export const TRACE_CMD = process.env.HVREPLAY_TRACE_CMD ?? 'trace-cmd';

/** Why trace-cmd cannot serve as the oracle here, or undefined when it can. */
export function traceCmdMissing(): string | undefined {
  const r = spawnSync(TRACE_CMD, ['--version'], { encoding: 'utf8' });
  if (r.error) return `${TRACE_CMD} is not installed (Debian: apt-get install trace-cmd); it is the oracle for these tests`;
  return undefined;
}

/** `trace-cmd report` with the given options; its stdout lines. */
export function report(file: string, ...options: string[]): string[] {
  const r = spawnSync(TRACE_CMD, ['report', ...options, '-i', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`trace-cmd report ${options.join(' ')} -i ${file} failed: ${r.stderr}`);
  const lines = r.stdout.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export interface ReportLine {
  comm: string;
  pid: number;
  cpu: number;
  /** Nanoseconds, from -t's full timestamp. */
  ns: bigint;
  event: string;
  payload: string;
}

/** An event line of trace-cmd report (a "buffer: " prefix for instances is dropped). */
export function parseReportLine(line: string): ReportLine | undefined {
  const text = line.replace(/^\s*[\w.-]+: (?=\s*\S.*\[\d+\])/, '');
  const f = tokenizeFtraceLine(text);
  if (!f) return undefined;
  const ts = /\s(\d+)\.(\d{9}):/.exec(text);
  if (!ts) return undefined;
  return { comm: f.comm, pid: f.pid, cpu: f.cpu, ns: BigInt(ts[1]!) * 1_000_000_000n + BigInt(ts[2]!), event: f.event, payload: f.payload };
}

/** -R prints " name=value" for each field in format order; cut the payload at those anchors. */
export function rawFieldTexts(payload: string, names: readonly string[]): Map<string, string> | undefined {
  const out = new Map<string, string>();
  let at = payload.startsWith(`${names[0]}=`) ? 0 : -1;
  if (names.length === 0) return out;
  if (at < 0) return undefined;
  for (let i = 0; i < names.length; i++) {
    const start = at + names[i]!.length + 1;
    const next = i + 1 < names.length ? payload.indexOf(` ${names[i + 1]}=`, start) : payload.length;
    if (next < 0) return undefined;
    out.set(names[i]!, payload.slice(start, next));
    at = next + 1;
  }
  return out;
}

function asBig(v: ArgValue): bigint | undefined {
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'string' && /^-?0x[0-9a-f]+$/.test(v)) return v.startsWith('-') ? -BigInt(v.slice(1)) : BigInt(v);
  return undefined;
}

function bytesOf(v: ArgValue, f: FieldFormat, bigEndian: boolean): number[] | undefined {
  if (!Array.isArray(v)) return typeof v === 'string' ? [...Buffer.from(v, 'utf8')] : undefined;
  const size = f.string ? 1 : f.elementSize;
  const out: number[] = [];
  for (const e of v) {
    const n = asBig(e);
    if (n === undefined) return undefined;
    const u = BigInt.asUintN(size * 8, n);
    const bytes = Array.from({ length: size }, (_, i) => Number((u >> BigInt(8 * i)) & 0xffn));
    out.push(...(bigEndian ? bytes.reverse() : bytes));
  }
  return out;
}

/**
 * Whether trace-cmd's printed text of a field is our decoded value. -R prints through the
 * field's printf conversion where the print fmt has one (hex, zero-padded, %ps symbols), else
 * libtraceevent's raw form (ARRAY[..] for arrays that are not printable strings).
 */
export function sameField(
  text: string,
  v: ArgValue,
  f: FieldFormat,
  bigEndian: boolean,
  symbol: (a: bigint) => string | undefined,
): boolean {
  if (text.startsWith('ARRAY[')) {
    const want = text
      .slice(6, -1)
      .split(', ')
      .filter((s) => s !== '')
      .map((s) => parseInt(s, 16));
    // libtraceevent stops printing a u8 array as a string for good once one record's is not
    // printable (print_field_raw clears TEP_FIELD_IS_STRING); the reader decides per record.
    if (typeof v === 'string') return Buffer.from(want.slice(0, want.includes(0) ? want.indexOf(0) : want.length)).toString('utf8') === v;
    const got = bytesOf(v, f, bigEndian);
    return got !== undefined && got.length === want.length && got.every((b, i) => b === want[i]);
  }
  // trace-cmd ends every line with its own newline and drops the one a trace_marker write carries.
  if (typeof v === 'string' && asBig(v) === undefined) return v === text || v === `${text}\n`;
  if (Array.isArray(v)) return v.length === 0 && text === '';
  const mine = asBig(v);
  if (mine === undefined) return false;
  const bits = Math.min(64, (f.array ? f.elementSize : f.size) * 8);
  const t = text.trim();
  if (t === '(nil)') return mine === 0n; // %p of NULL
  // "%d" and "%x" without "0x" look alike ("10"); the conversion is the print fmt's, so either reading may be meant.
  const readings: bigint[] = [];
  if (/^-?\d+$/.test(t)) readings.push(BigInt(t));
  if (/^(0x)?[0-9a-f]+$/i.test(t)) readings.push(BigInt(t.startsWith('0x') ? t : '0x' + t));
  if (readings.some((r) => BigInt.asUintN(bits, r) === BigInt.asUintN(bits, mine))) return true;
  // %ps / %pS: a kernel symbol for an address.
  return symbol(BigInt.asUintN(64, mine)) === t.replace(/\+0x[0-9a-f]+(\/0x[0-9a-f]+)?$/, '');
}
