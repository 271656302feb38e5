import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { EVENT_KINDS, type Args, type EventKind, type NewEvent } from '../../model/event.js';
import { ScenarioError } from '../../errors.js';
import { ARG_SCHEMAS } from './arg-schemas.js';
import './args/index.js';
import { expectation, scenarioEvent, scenarioFile, type Expectation, type ScenarioHeader } from './schema.js';

// A scenario file -> its header, its events, its expectations. Every problem in the file is reported
// at once, each as `file:line: path: what was expected`, and nothing is returned when there is one.

export interface Scenario {
  header: Omit<ScenarioHeader, 'events' | 'expect'>;
  events: NewEvent[];
  expectations: Expectation[];
}

type Path = readonly (string | number | symbol)[];

export function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

class Reporter {
  readonly problems: string[] = [];
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  lineOf(path: Path): number | undefined {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return this.lines.linePos(node.range[0]).line;
    }
    return undefined;
  }

  add(path: Path, message: string): void {
    const line = this.lineOf(path);
    this.problems.push(`${this.file}${line ? `:${line}` : ''}: ${path.length ? formatPath(path) + ': ' : ''}${message}`);
  }

  check<T extends z.ZodType>(schema: T, value: unknown, at: Path): z.infer<T> | undefined {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      // An unknown key is reported at its own line, one by one, not at the line of the map it is in.
      if (issue.code === 'unrecognized_keys') for (const key of issue.keys) this.add([...at, ...issue.path, key], 'unknown key');
      else this.add([...at, ...issue.path], issue.message);
    }
    return undefined;
  }
}

/** yaml's bound on alias expansion: each alias may stand for this many nodes (its default is 100). */
const MAX_ALIAS_COUNT = 100;

function firstAliasLine(text: string): number {
  const at = text.search(/(^|[\s[{,:])\*[^\s,\]}]/m);
  return at < 0 ? 1 : text.slice(0, at + 1).split('\n').length;
}

export function parseScenario(file: string, text: string): Scenario {
  const lines = new LineCounter();
  // merge: YAML 1.1's `<<: *anchor` merge keys, which scenario authors use for shared args.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, merge: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      file,
      doc.errors.map((e) => `${file}:${e.linePos?.[0].line ?? '?'}: not valid YAML: ${e.message.split('\n')[0]}`),
    );
  }
  const report = new Reporter(file, doc, lines);
  let raw: Record<string, unknown> | null;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Record<string, unknown> | null;
  } catch (error) {
    // yaml refuses aliases that expand without bound ("billion laughs") rather than running out of memory.
    if (!(error instanceof ReferenceError)) throw error;
    throw new ScenarioError(file, [
      `${file}:${firstAliasLine(text)}: aliases expand to more than ${MAX_ALIAS_COUNT} times their size (${error.message}); write the values out`,
    ]);
  }
  const top = report.check(scenarioFile, raw, []);
  // A bad header does not stop the events from being checked: every problem is reported at once.
  const listOf = (key: string): unknown[] => (Array.isArray(raw?.[key]) ? (raw[key] as unknown[]) : []);
  const rawEvents = top?.events ?? listOf('events');
  const rawExpect = top?.expect ?? listOf('expect');
  const defaults = top?.defaults ?? {};

  const events: NewEvent[] = [];
  const labels = new Map<string, number>();
  rawEvents.forEach((item, i) => {
    const event = report.check(scenarioEvent, item, ['events', i]);
    if (!event) {
      // The event's shape is wrong (an unknown key, say): its args are still checked, so that every
      // problem is reported at once.
      checkArgsOf(report, item, i);
      return;
    }
    if (event.label !== undefined) {
      if (labels.has(event.label))
        report.add(['events', i, 'label'], `label '${event.label}' is already used by events[${labels.get(event.label)}]`);
      labels.set(event.label, i);
    }
    const kind = EVENT_KINDS.find((k) => (event as Record<string, unknown>)[k] !== undefined) as EventKind;
    const name = (event as Record<string, unknown>)[kind] as string;
    const schema = ARG_SCHEMAS[`${kind}:${name}`];
    const args = (schema ? report.check(schema, event.args, ['events', i, 'args']) : event.args) as Args | undefined;
    if (!args) return;
    const pid = event.pid ?? defaults.pid ?? 1;
    events.push({
      kind,
      name,
      args,
      pid,
      tid: event.tid ?? defaults.tid ?? pid,
      ...optional({
        comm: event.comm ?? defaults.comm,
        ts: event.ts,
        cpu: event.cpu,
        vm: event.vm,
        vcpu: event.vcpu,
        label: event.label,
        result: event.result,
      }),
      src: { file, line: report.lineOf(['events', i]) ?? 0 },
    });
  });

  const expectations: Expectation[] = [];
  rawExpect.forEach((item, i) => {
    const exp = report.check(expectation, item, ['expect', i]);
    if (!exp) return;
    if (typeof exp.at === 'string' && !labels.has(exp.at)) report.add(['expect', i, 'at'], `no event is labelled '${exp.at}'`);
    if (typeof exp.at === 'number' && exp.at >= rawEvents.length)
      report.add(['expect', i, 'at'], `event index ${exp.at} is past the last event (${rawEvents.length - 1})`);
    expectations.push(exp);
  });

  if (!top || report.problems.length > 0) throw new ScenarioError(file, report.problems);
  const { events: _events, expect: _expect, ...header } = top;
  return { header, events, expectations };
}

/** The args of an event whose kind and name can be read, checked against their schema. */
function checkArgsOf(report: Reporter, item: unknown, i: number): void {
  if (item === null || typeof item !== 'object') return;
  const fields = item as Record<string, unknown>;
  const kinds = EVENT_KINDS.filter((k) => typeof fields[k] === 'string');
  if (kinds.length !== 1) return;
  const schema = ARG_SCHEMAS[`${kinds[0]}:${fields[kinds[0]!] as string}`];
  if (schema) report.check(schema, fields.args ?? {}, ['events', i, 'args']);
}

function optional<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}
