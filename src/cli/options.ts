import type { Argv } from 'yargs';

// Options several commands share, declared once.

export interface GlobalArgs {
  db?: string;
  json?: boolean;
  /** Seconds to wait for another process's write lock on the store (default: as long as it takes). */
  wait?: number;
}

export interface PolicyArgs {
  policy?: string[];
}

export function withTrace<T>(yargs: Argv<T>) {
  return yargs.positional('trace', {
    type: 'string',
    demandOption: true,
    describe: "a trace's name, #ID for its id, or a scenario file (imported first, reused while unchanged)",
  });
}

export function withPolicies<T>(yargs: Argv<T>) {
  return yargs.option('policy', {
    type: 'string',
    array: true,
    describe: 'AREA/VARIANT; repeat for several areas (see `hvreplay policies`)',
  });
}

/** An event position: a non-negative integer, refused with the option's name otherwise. */
export function seqOption(name: string, describe: string) {
  return {
    type: 'number' as const,
    describe,
    coerce: (value: unknown) => {
      if (value === undefined) return value;
      const n = Number(value);
      // yargs has already turned a word into NaN, so only a number is worth echoing back.
      if (!Number.isInteger(n) || n < 0)
        throw new Error(`--${name} takes an event seq, a whole number from 0${Number.isNaN(n) ? '' : `, not ${n}`}`);
      return n;
    },
  };
}
