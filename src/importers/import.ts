import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { lastValueFrom, tap, defaultIfEmpty } from 'rxjs';
import type { SqlDatabase } from '../store/sql.js';
import { TraceWriter } from '../store/trace-writer.js';
import { findTraceByName, getTrace, type TraceRecord } from '../store/traces.js';
import { shownName } from '../store/trace-names.js';
import type { FormatName } from './format.js';
import { parseSource } from './parse-source.js';
import { parseScenario } from './scenario/load.js';
import { SourceError, StoreError } from '../errors.js';
import { isStdin, openSource } from './source.js';
import { ImportStats, unreadLines } from './stats.js';
import { mergeSources, type MergeOutcome } from './merge/merge.js';
import { clockMeta, mergeNote, mergeSummary, type MergeSummary } from './merge/report.js';
import { planMerge } from './merge/plan.js';
import { unreadable } from './read-error.js';
import { parseElsewhere, parseOnWorker } from './parse-worker/client.js';

export interface ImportOptions {
  files: readonly string[];
  name?: string;
  format?: FormatName;
  replace?: boolean;
  /** Refuse the whole import, storing nothing, when any line cannot be read. */
  strict?: boolean;
}

export interface ImportResult {
  trace: TraceRecord;
  stats: ImportStats;
  /** True when an unchanged scenario was already in the store and nothing was imported. */
  reused: boolean;
  /** For a merge of several files: how each ftrace file's clock was aligned and what the merge did, in words. */
  clockNotes?: string[];
  /** For a merge: reasons to doubt that the files are of one run, short of refusing them. */
  warnings?: string[];
}

export function isScenarioPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/**
 * Under --strict a line that could not be read, wholly or in part (kept as a generic event), is bad
 * input: the import fails before anything is committed.
 */
function refuseUnreadable(options: ImportOptions, stats: ImportStats): void {
  if (!options.strict || stats.unreadable + stats.keptAsGeneric === 0) return;
  const first = stats.problems.filter((p) => !p.finding).slice(0, 10);
  throw new SourceError(
    [`${unreadLines(stats)} (--strict); nothing was stored:`, ...first.map((p) => `  ${p.file}:${p.line}: ${p.message}: ${p.text}`)].join(
      '\n',
    ),
  );
}

export async function importFiles(db: SqlDatabase, options: ImportOptions): Promise<ImportResult> {
  if (options.files.length === 0) throw new SourceError('nothing to import: give a file, or - for stdin');
  const first = options.files[0]!;
  if (options.format === 'scenario' || (options.format === undefined && options.files.every(isScenarioPath))) {
    if (options.files.length > 1) throw new SourceError('one scenario file makes one trace; import them one at a time');
    return importScenario(db, first, options);
  }
  if (options.files.length > 1) return importMerged(db, options);
  return importText(db, first, options);
}

/** Where a scenario trace came from, as an absolute path, so a copy elsewhere is never taken for it. */
function scenarioOrigin(trace: TraceRecord): string | undefined {
  const origin = trace.meta.origin;
  if (typeof origin === 'string') return origin;
  // Imported before the origin was kept: its source path, as seen from here.
  const source = trace.sources[0]?.path;
  return source === undefined ? undefined : realPath(source);
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * A scenario is small enough to read whole; its name is the trace name unless --name says otherwise.
 * An unchanged scenario is reused. An edited one replaces the trace imported from the same file; a
 * trace of that name from anywhere else is replaced only with --replace, which a command that was
 * given the scenario's path instead of a trace name (`fromReadCommand`) never passes.
 */
export function importScenario(
  db: SqlDatabase,
  path: string,
  options: Partial<ImportOptions> & { fromReadCommand?: boolean } = {},
): ImportResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw unreadable(path, error);
  }
  const sha256 = createHash('sha256').update(text).digest('hex');
  const scenario = parseScenario(path, text);
  const name = options.name ?? scenario.header.name;
  const origin = realPath(path);
  const stats = new ImportStats();
  const existing = findTraceByName(db, name);
  // The same content under the same name is reused wherever the file is: nothing is replaced.
  if (existing?.format === 'scenario' && existing.contentHash === sha256 && options.replace !== true)
    return { trace: existing, stats, reused: true };
  const sameFile = existing?.format === 'scenario' && scenarioOrigin(existing) === origin;
  if (existing && !sameFile && !options.replace)
    throw new StoreError(
      `a trace named '${shownName(name)}' exists already (#${existing.id}, ${existing.format} from ${existing.sources.map((s) => s.path).join(', ') || '?'}) and ${path} is not where it came from; ` +
        (options.fromReadCommand
          ? `import ${path} under another name: hvreplay import ${path} --name NAME`
          : 'choose another --name or pass --replace'),
    );
  const writer = new TraceWriter(db, {
    name,
    format: 'scenario',
    sources: [{ path, bytes: Buffer.byteLength(text), sha256 }],
    contentHash: sha256,
    meta: {
      scenario: scenario.header,
      expectations: scenario.expectations,
      arch: scenario.header.arch,
      host: scenario.header.host,
      origin,
    },
    replace: Boolean(existing),
  });
  try {
    for (const event of scenario.events) writer.append(event);
    stats.count('scenario.events', scenario.events.length);
    writer.commit(stats.toJSON());
  } catch (error) {
    writer.abort();
    throw error;
  }
  return { trace: getTrace(db, name), stats, reused: false };
}

async function importText(db: SqlDatabase, path: string, options: ImportOptions): Promise<ImportResult> {
  const source = openSource(path);
  const stats = new ImportStats();
  const name = options.name ?? (isStdin(path) ? 'stdin' : basename(path).replace(/\.gz$/i, ''));
  const writer = new TraceWriter(db, {
    name,
    format: options.format ?? 'text',
    sources: [source.info],
    contentHash: '',
    meta: { arch: 'x86_64' },
    ...(options.replace ? { replace: true } : {}),
  });
  stats.onProblem = (p) => writer.problem(p);
  let format = options.format ?? 'text';
  let info = source.info;
  try {
    if (!isStdin(path) && parseOnWorker()) info = await parseElsewhere(path, options.format, stats, (event) => writer.appendEncoded(event));
    else
      await lastValueFrom(
        parseSource(source, stats, options.format).pipe(
          tap((batch) => {
            for (const event of batch) writer.append(event);
          }),
          defaultIfEmpty([]),
        ),
      );
    format = [...stats.counts.keys()].find((k) => k.startsWith('format.'))?.slice('format.'.length) ?? format;
    if (writer.count === 0)
      throw new SourceError(`${path}: no events found (${[...stats.counts].map(([k, v]) => `${k}=${v}`).join(', ') || 'empty input'})`);
    writer.describeSources([info], info.sha256, format);
    refuseUnreadable(options, stats);
    writer.commit(stats.toJSON());
  } catch (error) {
    writer.abort();
    throw error;
  }
  return { trace: getTrace(db, name), stats, reused: false };
}

/**
 * Several files of one run (strace and ftrace, any mix) as one trace: each file's format detected
 * on its own, ftrace clocks aligned to strace's CLOCK_REALTIME, events merged in time order with
 * each vCPU thread's kernel events inside its KVM_RUN calls.
 */
async function importMerged(db: SqlDatabase, options: ImportOptions): Promise<ImportResult> {
  const plan = await planMerge(options.files, options.format);
  const stats = new ImportStats();
  const name = options.name ?? options.files.map((f) => basename(f).replace(/\.gz$/i, '')).join('+');
  const writer = new TraceWriter(db, {
    name,
    format: plan.format,
    sources: plan.inputs.map((i) => i.source.info),
    contentHash: '',
    meta: { arch: 'x86_64', clock: clockMeta(plan, undefined) },
    ...(options.replace ? { replace: true } : {}),
  });
  stats.onProblem = (p) => writer.problem(p);
  const outcome: MergeOutcome = {};
  let summary: MergeSummary | undefined;
  try {
    for await (const batch of mergeSources(plan.inputs, stats, plan.placement, outcome)) for (const event of batch) writer.append(event);
    if (writer.count === 0) throw new SourceError(`${options.files.join(', ')}: no events found`);
    const sources = plan.inputs.map((i) => i.source.info);
    const contentHash = createHash('sha256')
      .update(sources.map((s) => s.sha256).join('\n'))
      .digest('hex');
    writer.describeSources(sources, contentHash);
    refuseUnreadable(options, stats);
    summary = plan.placement && outcome.structure ? mergeSummary(outcome.structure, stats) : undefined;
    writer.commit(stats.toJSON(), { arch: 'x86_64', clock: clockMeta(plan, summary) });
  } catch (error) {
    writer.abort();
    throw error;
  }
  return {
    trace: getTrace(db, name),
    stats,
    reused: false,
    clockNotes: summary ? [...plan.clockNotes, mergeNote(summary)] : plan.clockNotes,
    warnings: plan.warnings,
  };
}
