import type { Argv } from 'yargs';
import { parsePosition, type Position } from '../query/position.js';
import { UsageError } from './exit-codes.js';

// Options several commands share, declared once.

export interface GlobalArgs {
  db?: string;
  json?: boolean;
  /** Seconds to wait for another process's write lock on the store (default: as long as it takes). */
  wait?: number;
}

export interface PolicyArgs {
  policy?: string[];
  /** Linux releases (src/cli/policy-args.ts): one for the run, or two for diff's sides. */
  kernel?: string[];
  xen?: string[];
}

export function withTrace<T>(yargs: Argv<T>) {
  return yargs.positional('trace', {
    type: 'string',
    demandOption: true,
    describe: "a trace's name, #ID for its id, or a scenario file (imported first, reused while unchanged)",
  });
}

/** TRACE, or --all for every trace of the store (conform, stats): one of the two. */
export function withTraceOrAll<T>(yargs: Argv<T>) {
  return yargs
    .positional('trace', {
      type: 'string',
      describe: "a trace's name, #ID for its id, or a scenario file (imported first, reused while unchanged)",
    })
    .option('all', { type: 'boolean', describe: 'every trace of the store, on worker threads (one per core): a row per trace' })
    .check((argv) => {
      const { all, trace, _ } = argv as { all?: boolean; trace?: unknown; _: unknown[] };
      const command = typeof _[0] === 'string' ? _[0] : undefined;
      if (all === true && trace !== undefined) throw new UsageError('give a trace or --all, not both', command);
      if (all !== true && trace === undefined) throw new UsageError('give a trace, or --all', command);
      return true;
    });
}

export function withPolicies<T>(yargs: Argv<T>) {
  return yargs
    .option('policy', {
      type: 'string',
      array: true,
      describe: 'AREA/VARIANT; repeat for several areas (see `hvreplay policies`)',
    })
    .option('kernel', {
      type: 'string',
      array: true,
      describe: "a Linux release (6.12, 4.19.200): each area it decides runs that release's variant",
    })
    .option('xen', { type: 'string', array: true, describe: "a Xen release (4.17): each area it decides runs that release's variant" });
}

/** An event position (src/query/position.ts): N, @N, start or end; refused with the option's name otherwise. */
export function seqOption(name: string, describe: string) {
  return {
    type: 'string' as const,
    describe: `${describe} (N, start or end)`,
    // yargs calls coerce only for an option the command line gives.
    coerce: (value: unknown): Position => {
      const position = parsePosition(String(value));
      if (position === undefined)
        throw new Error(`--${name} takes an event seq (a whole number from 0), start or end, not '${String(value)}'`);
      return position;
    },
  };
}
