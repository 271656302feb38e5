import type { Argv } from 'yargs';
import { parsePosition, type Position } from '../query/position.js';

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
