import type { Argv } from 'yargs';

// Options several commands share, declared once.

export interface GlobalArgs {
  db?: string;
  json?: boolean;
}

export interface PolicyArgs {
  policy?: string[];
}

export function withTrace<T>(yargs: Argv<T>) {
  return yargs.positional('trace', { type: 'string', demandOption: true, describe: "a trace's name or id, or a scenario file (imported first, reused while unchanged)" });
}

export function withPolicies<T>(yargs: Argv<T>) {
  return yargs.option('policy', { type: 'string', array: true, describe: 'AREA/VARIANT; repeat for several areas (see `hvreplay policies`)' });
}
