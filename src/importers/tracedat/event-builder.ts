import type { ArgValue, Args, NewEvent } from '../../model/event.js';
import { EVENT_MAPPERS, type EventMapper } from '../ftrace/event-mapping.js';
import type { ImportStats } from '../stats.js';
import { FormatError, parseEventFormat, type EventFormat } from './event-format.js';
import { recordDecoder, typeReader, type RecordDecoder } from './field-decoder.js';
import type { TraceDatLayout } from './layout.js';
import { PrintedFields } from './printed-fields.js';
import { commOf, Kallsyms, parseCmdlines, parsePrintkFormats } from './symbols.js';

// One record -> one event in hvreplay's vocabulary, the same event the text importer makes of the
// line tracefs or trace-cmd would print for it: the modelled events through the shared mapping
// (../ftrace/event-mapping.ts), ftrace:print as a marker named as tracefs prints it
// ("tracing_mark_write", the %ps of its ip), everything else a generic event with its fields.
// A record whose type has no format (a corrupt id, or a format that failed to parse) is kept as a
// generic event too, named after its id, with its bytes.

export const TRACEDAT_STATS = {
  unparsedFormat: 'tracedat.unparsed_format',
  unknownEventId: 'tracedat.unknown_event_id',
  unmappedPayload: 'tracedat.unrecognized_fields',
  badPage: 'tracedat.bad_page',
  lostEvents: 'tracedat.lost_events',
} as const;

/** A record with its fields decoded, before it is mapped to the vocabulary. */
export interface RawRecord {
  /** The record's common_type; -1 for a record too short to have one. */
  id: number;
  /** Its format, or undefined when the file describes no event of that id (fields then hold its bytes). */
  spec: EventSpec | undefined;
  /** Nanoseconds on the file's (corrected) clock. */
  ts: number;
  cpu: number;
  pid: number;
  fields: Args;
  line: number;
}

export interface EventSpec {
  format: EventFormat;
  decoder: RecordDecoder;
  printed: PrintedFields;
  mapper: EventMapper | undefined;
  marker: boolean;
}

export class EventBuilder {
  private readonly specs = new Map<number, EventSpec>();
  private readonly comms: Map<number, string>;
  private readonly kallsyms: Kallsyms;
  private printk: Map<bigint, string> | undefined;
  private readonly typeOf: (buf: Buffer, start: number, length: number) => number;
  private readonly longBits: number;

  constructor(
    private readonly layout: TraceDatLayout,
    longSize: number,
    private readonly file: string,
    private readonly stats: ImportStats,
  ) {
    const bigEndian = layout.header.bigEndian;
    this.longBits = longSize * 8;
    this.comms = parseCmdlines(layout.cmdlines);
    this.kallsyms = new Kallsyms(layout.kallsyms);
    const sources = [{ system: 'ftrace', formats: layout.ftraceFormats }, ...layout.eventFormats];
    let typeField: { offset: number; size: number } | undefined;
    for (const { system, formats } of sources) {
      for (const text of formats) {
        let format: EventFormat;
        try {
          format = parseEventFormat(text, system, longSize);
        } catch (error) {
          if (!(error instanceof FormatError)) throw error;
          const name = /^name:\s*(\S+)/m.exec(text)?.[1] ?? '?';
          stats.finding(
            TRACEDAT_STATS.unparsedFormat,
            file,
            0,
            `the format of ${system}:${name} cannot be read: expected ${error.message}`,
            '',
          );
          continue;
        }
        typeField ??= format.common.find((f) => f.name === 'common_type');
        this.specs.set(format.id, {
          format,
          decoder: recordDecoder(format, bigEndian),
          printed: new PrintedFields(format.printFmt, this.longBits, (a) => this.kallsyms.lookup(a)),
          mapper: EVENT_MAPPERS[format.name],
          marker: system === 'ftrace' && format.name === 'print',
        });
      }
    }
    this.typeOf = typeReader(typeField?.offset ?? 0, typeField?.size ?? 2, bigEndian);
  }

  /** The record at buf[start .. start + length) with its fields decoded; `line` is its position in the file's events. */
  decode(buf: Buffer, start: number, length: number, ts: number, cpu: number, line: number): RawRecord {
    const id = this.typeOf(buf, start, length);
    const spec = this.specs.get(id);
    if (!spec) return { id, spec, ts, cpu, pid: 0, fields: { bytes: Array.from(buf.subarray(start, start + length)) }, line };
    const pid = spec.decoder.pid(buf, start, length);
    return { id, spec, ts, cpu, pid, fields: spec.decoder.fields(buf, start, length), line };
  }

  /** The record at buf[start .. start + length) as an event: decode() and toEvent() in one step. */
  event(buf: Buffer, start: number, length: number, ts: number, cpu: number, line: number): NewEvent {
    const id = this.typeOf(buf, start, length);
    const spec = this.specs.get(id);
    if (!spec) return this.toEvent(this.decode(buf, start, length, ts, cpu, line));
    return this.mapped(spec, spec.decoder.fields(buf, start, length), ts, cpu, spec.decoder.pid(buf, start, length), line);
  }

  /** The record as an event of hvreplay's vocabulary. */
  toEvent(r: RawRecord): NewEvent {
    const spec = r.spec;
    if (spec) return this.mapped(spec, r.fields, r.ts, r.cpu, r.pid, r.line);
    this.stats.finding(
      TRACEDAT_STATS.unknownEventId,
      this.file,
      r.line,
      `a record of type ${r.id}, which no event format in the file describes; kept with its bytes`,
      '',
    );
    return { kind: 'generic', name: `event_${r.id}`, ts: r.ts / 1e9, cpu: r.cpu, args: r.fields, src: { file: this.file, line: r.line } };
  }

  private mapped(spec: EventSpec, fields: Args, ts: number, cpu: number, pid: number, line: number): NewEvent {
    const ev: NewEvent = {
      kind: 'generic',
      name: spec.format.name,
      ts: ts / 1e9,
      pid,
      tid: pid,
      comm: this.comm(pid),
      cpu,
      args: fields,
      src: { file: this.file, line },
    };
    if (spec.marker) return this.marker(ev, spec, fields);
    if (spec.mapper) {
      const d = spec.mapper(fields, (f) => spec.printed.printed(f, fields));
      if (d) {
        ev.kind = d.kind;
        ev.args = d.args;
        if (d.vcpu !== undefined) ev.vcpu = d.vcpu;
        if (d.result !== undefined) ev.result = d.result;
      } else
        this.stats.problem(
          TRACEDAT_STATS.unmappedPayload,
          this.file,
          line,
          `${spec.format.name} fields not in a known shape (its format: ${spec.format.fields.map((f) => f.name).join(', ')}); kept as generic`,
          JSON.stringify(fields),
        );
    } else this.constantStrings(spec, fields);
    return ev;
  }

  /** The task name saved for a pid, as tracefs and trace-cmd print it. */
  comm(pid: number): string {
    return commOf(this.comms, pid);
  }

  /** An address as %ps prints it, from the file's kallsyms. */
  symbol(address: bigint): string | undefined {
    return this.kallsyms.lookup(address);
  }

  /** trace_marker writes: tracefs prints them as "%ps: %s", the function (tracing_mark_write) and the text. */
  private marker(ev: NewEvent, spec: EventSpec, fields: Args): NewEvent {
    const buf = fields.buf;
    if (typeof buf !== 'string') return ev;
    ev.kind = 'marker';
    ev.name = spec.printed.printed('ip', fields) ?? 'print';
    ev.args = { text: buf.endsWith('\n') ? buf.slice(0, -1) : buf };
    return ev;
  }

  /**
   * A `const char *` field (rcu_utilization's s, bprint's fmt) points at a string the kernel keeps;
   * tracefs and trace-cmd print that string, found in printk_formats (tep_find_printk), and so does
   * hvreplay. The pointer stays when the file does not list it.
   */
  private constantStrings(spec: EventSpec, fields: Args): void {
    for (const f of spec.format.fields) {
      if (!f.pointer || !/\bchar\b/.test(f.type) || f.type.includes('* *')) continue;
      const text = this.printkString(fields[f.name]);
      if (text !== undefined) fields[f.name] = text;
    }
  }

  /** The printk_formats string at an address (a number or "0x..." field value). */
  printkString(value: ArgValue | undefined): string | undefined {
    if (typeof value !== 'number' && !(typeof value === 'string' && value.startsWith('0x'))) return undefined;
    this.printk ??= parsePrintkFormats(this.layout.printk);
    return this.printk.get(BigInt(value));
  }
}
