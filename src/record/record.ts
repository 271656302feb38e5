import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { InterruptedError, SourceError } from '../errors.js';
import { importFiles, type ImportResult } from '../importers/import.js';
import type { SqlDatabase } from '../store/sql.js';
import { findTraceByName } from '../store/traces.js';
import { checkTraceName, shownName } from '../store/trace-names.js';
import { requireKvm, requireRoot, requireStrace, requireTraceCmd, requireTracefs } from './environment.js';
import { createInstance, type TraceInstance } from './instance.js';

// `hvreplay record -- CMD ARGS...`: CMD under strace while a private tracefs instance records the
// kvm and sched_switch events, hvsync markers before and after, then both files imported as one
// trace. The instance is removed whatever happens: normal end, failure, Ctrl-C, SIGTERM. With
// --format dat the instance's ring buffer is kept as a trace.dat (`trace-cmd extract -B`, which also
// removes the instance) instead of tracefs text.

/** strace options of the shared recordings (/work/shared/traces/README.md). */
// Plus the calls that make, copy and close fds, which the fd table follows (src/engine/reducers/syscall.ts).
export const STRACE_ARGS = [
  '-f',
  '-ttt',
  '-T',
  '-y',
  '--kvm=vcpu',
  '-e',
  'trace=ioctl,mmap,munmap,mprotect,madvise,openat,close,execve,dup,dup2,dup3,fcntl,eventfd2',
];

export interface RecordOptions {
  command: string[];
  name?: string;
  replace?: boolean;
  /** Where the strace and ftrace files go (default: a new directory under the temp dir). */
  dir?: string;
  tracefs?: string;
  /** How the kernel's events are kept: tracefs text (default), or trace-cmd's trace.dat. */
  format?: 'text' | 'dat';
}

export interface RecordResult extends ImportResult {
  straceFile: string;
  ftraceFile: string;
  /** How the command ended under strace. */
  exit: { code: number | null; signal: string | null };
  interrupted: boolean;
  /** How the KVM ioctls' struct arguments were read (ioctl-probe.ts), or why they were not. */
  ioctlArgs: string;
}

export async function record(db: SqlDatabase, options: RecordOptions): Promise<RecordResult> {
  if (options.command.length === 0) throw new SourceError('name the command to record after --, e.g. hvreplay record -- ./mini-vmm');
  requireRoot();
  requireKvm();
  requireStrace();
  if (options.format === 'dat') requireTraceCmd();
  const tracefs = requireTracefs(options.tracefs);
  // Refuse what would fail at the import before the command runs, not after.
  if (options.name !== undefined) checkTraceName(options.name);
  const taken = options.name === undefined ? undefined : findTraceByName(db, options.name);
  if (taken && !options.replace)
    throw new SourceError(
      `a trace named '${shownName(taken.name)}' exists already (#${taken.id}); choose another --name or pass --replace`,
    );
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'hvreplay-record-'));
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new SourceError(`${dir}: cannot keep the recording there: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const straceFile = join(dir, 'record.strace');
  const ftraceFile = join(dir, options.format === 'dat' ? 'record.dat' : 'record.ftrace');
  const instance = createInstance(tracefs);
  const probe = instance.ioctlProbe;
  const ioctlArgs = 'missing' in probe ? `not read: ${probe.missing}` : `read by a uprobe on ${probe.place} (${probe.event})`;
  // Last resort for an exit this code does not see coming (an uncaught error elsewhere).
  const onExit = () => instance.remove();
  process.on('exit', onExit);
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // strace gets the terminal's SIGINT too and ends the command; wait for it, then clean up.
    interrupted = true;
    if (signal === 'SIGTERM') child?.kill('SIGTERM');
  };
  let child: ReturnType<typeof spawn> | undefined;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    instance.marker();
    child = spawn('strace', [...STRACE_ARGS, '-o', straceFile, '--', ...options.command], { stdio: 'inherit' });
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve, reject) => {
      child!.on('error', reject);
      child!.on('exit', (code, signal) => resolve({ code, signal }));
    });
    instance.marker();
    if (options.format === 'dat') extractDat(instance, ftraceFile);
    else await instance.saveTrace(ftraceFile);
    instance.remove();
    if (interrupted) throw new InterruptedError('interrupted; the recording so far is kept');
    const failure = straceFailure(straceFile);
    if (failure) throw new SourceError(`strace could not run '${options.command.join(' ')}': ${failure}`);
    const imported = await importFiles(db, {
      files: [straceFile, ftraceFile],
      ...(options.name ? { name: options.name } : {}),
      ...(options.replace ? { replace: true } : {}),
    });
    return { ...imported, straceFile, ftraceFile, exit, interrupted, ioctlArgs };
  } catch (error) {
    // The files stay: say where, since the import (or whatever failed) did not keep them.
    if (error instanceof Error) error.message += ` (the recording is in ${dir})`;
    throw error;
  } finally {
    try {
      instance.remove();
    } catch (cleanup) {
      // A tracefs instance that will not go away is worth a word, but not worth hiding the real error.
      process.stderr.write(`hvreplay: could not remove the tracefs instance: ${(cleanup as Error).message}\n`);
    }
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The instance's buffer as a trace.dat; trace-cmd extract -B reads it (consuming it) and removes the instance. */
function extractDat(instance: TraceInstance, path: string): void {
  instance.stop();
  const r = spawnSync('trace-cmd', ['extract', '-B', basename(instance.dir), '-o', path], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(path))
    throw new SourceError(`trace-cmd extract could not save the trace: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`);
}

/** strace's own complaint when the command never ran (every line of its output is `strace: ...`). */
function straceFailure(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').slice(0, 4096);
  } catch {
    return 'it wrote no output file';
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return 'its output is empty';
  return lines.every((l) => l.startsWith('strace: ')) ? lines.join('; ') : undefined;
}
