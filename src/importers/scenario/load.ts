import type { z } from 'zod';
import { EVENT_KINDS, type Args, type EventKind, type NewEvent } from '../../model/event.js';
import { ScenarioError } from '../../errors.js';
import { argsSchemaOf } from '../../engine/policy/vocabulary.js';
import { expectation, scenarioEvent, scenarioFile, type Expectation, type ScenarioHeader } from './schema.js';
import { readPlainItem } from './plain-item.js';
import { splitScenario } from './split.js';
import { firstAliasLine, MAX_ALIAS_COUNT, readYaml, type Path, type YamlPart } from './yaml-doc.js';
import type { Document } from 'yaml';

// A scenario file -> its header, its events, its expectations. Every problem in the file is reported
// at once, each as `file:line: path: what was expected`, and nothing is returned when there is one.
// Events are read one small document at a time where the file allows it (split.ts), and an item in
// the plain subset of YAML without the yaml library (plain-item.ts); the yaml library then reads it
// only if its line numbers are wanted for a problem.

export interface Scenario {
  header: Omit<ScenarioHeader, 'events' | 'expect'>;
  events: NewEvent[];
  expectations: Expectation[];
}

export function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

class Reporter {
  private readonly found: { line: number; text: string }[] = [];
  constructor(
    private readonly file: string,
    readonly lineOf: (path: Path) => number | undefined,
  ) {}

  add(path: Path, message: string): void {
    const line = this.lineOf(path);
    this.found.push({
      line: line ?? 0,
      text: `${this.file}${line ? `:${line}` : ''}: ${path.length ? formatPath(path) + ': ' : ''}${message}`,
    });
  }

  /** In the order of the file, as an editor would walk them. */
  get problems(): string[] {
    return [...this.found].sort((a, b) => a.line - b.line).map((p) => p.text);
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

/** A document's value; aliases that expand without bound ("billion laughs") are refused, not followed. */
function valueOf(file: string, text: string, doc: Document): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    throw new ScenarioError(file, [
      `${file}:${firstAliasLine(text)}: aliases expand to more than ${MAX_ALIAS_COUNT} times their size (${error.message}); write the values out`,
    ]);
  }
}

export function parseScenario(file: string, text: string, byItem = true): Scenario {
  const pieces = byItem ? splitScenario(text) : undefined;
  const main = pieces ? readYaml(file, pieces.head, pieces.headLine) : readYaml(file, text);
  // yaml's messages quote the line of the text it read: for the head, the whole document says it.
  if (main.errors.length > 0) {
    if (pieces) return parseScenario(file, text, false);
    throw new ScenarioError(file, main.errors);
  }
  const raw = valueOf(file, text, main.doc) as Record<string, unknown> | null;
  // The event item being read, when events are read one document at a time: the line of a plain item
  // (its first key stands after the dash), and its document, read when a line inside it is wanted.
  let current: { index: number; line: number | undefined; part: () => YamlPart } | undefined;
  const report = new Reporter(file, (path) => {
    if (!current || path[0] !== 'events' || path[1] !== current.index) return main.lineOf(path);
    return path.length === 2 && current.line !== undefined ? current.line : current.part().lineOf([0, ...path.slice(2)]);
  });
  const itemCount = pieces ? pieces.items.length : Array.isArray(raw?.events) ? raw.events.length : 0;
  const top = report.check(scenarioFile, pieces && raw ? { ...raw, events: new Array(itemCount).fill(null) } : raw, []);
  // A bad header does not stop the events from being checked: every problem is reported at once.
  const listOf = (key: string): unknown[] => (Array.isArray(raw?.[key]) ? (raw[key] as unknown[]) : []);
  const rawEvents = pieces ? [] : (top?.events ?? listOf('events'));
  const rawExpect = top?.expect ?? listOf('expect');
  const defaults = top?.defaults ?? {};

  const events: NewEvent[] = [];
  const labels = new Map<string, number>();
  const yamlErrors: string[] = [];
  for (let i = 0; i < itemCount; i++) {
    let item: unknown = rawEvents[i];
    if (pieces) {
      const piece = pieces.items[i]!;
      let part: YamlPart | undefined;
      const partOf = () => (part ??= readYaml(file, piece.text, (line) => line + piece.line - 1));
      item = readPlainItem(piece.text);
      const plain = item !== undefined;
      if (!plain) {
        if (partOf().errors.length > 0) {
          yamlErrors.push(...partOf().errors);
          continue;
        }
        item = (valueOf(file, piece.text, partOf().doc) as unknown[] | null)?.[0];
      }
      current = { index: i, line: plain ? piece.line : undefined, part: partOf };
    }
    const event = report.check(scenarioEvent, item, ['events', i]);
    if (!event) {
      // The event's shape is wrong (an unknown key, say): its args are still checked, so that every
      // problem is reported at once.
      checkArgsOf(report, item, i);
      continue;
    }
    if (event.label !== undefined) {
      if (labels.has(event.label))
        report.add(['events', i, 'label'], `label '${event.label}' is already used by events[${labels.get(event.label)}]`);
      labels.set(event.label, i);
    }
    const kind = EVENT_KINDS.find((k) => (event as Record<string, unknown>)[k] !== undefined) as EventKind;
    const name = (event as Record<string, unknown>)[kind] as string;
    const schema = argsSchemaOf(kind, name, 'scenario');
    const args = (schema ? report.check(schema, event.args, ['events', i, 'args']) : event.args) as Args | undefined;
    if (!args) continue;
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
  }
  current = undefined;
  // An item that is not valid YAML alone may be valid in its file (an alias of an anchor elsewhere):
  // the whole document decides, and says where.
  if (yamlErrors.length > 0) return parseScenario(file, text, false);

  const expectations: Expectation[] = [];
  rawExpect.forEach((item, i) => {
    const exp = report.check(expectation, item, ['expect', i]);
    if (!exp) return;
    if (typeof exp.at === 'string' && !labels.has(exp.at)) report.add(['expect', i, 'at'], `no event is labelled '${exp.at}'`);
    if (typeof exp.at === 'number' && exp.at >= itemCount)
      report.add(['expect', i, 'at'], `event index ${exp.at} is past the last event (${itemCount - 1})`);
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
  const schema = argsSchemaOf(kinds[0]!, fields[kinds[0]!] as string, 'scenario');
  if (schema) report.check(schema, fields.args ?? {}, ['events', i, 'args']);
}

function optional<T extends Record<string, unknown>>(fields: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key in fields) if (fields[key] !== undefined) out[key] = fields[key];
  return out;
}
