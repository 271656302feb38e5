import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from './options.js';

// nx's makeCommandModule, in small: a command's handler takes the arguments its builder declares, so
// an option added to the builder is typed in the handler and nothing is written twice.

export interface CommandSpec<U> {
  command: string | readonly string[];
  describe: string;
  builder?: (yargs: Argv<GlobalArgs>) => Argv<U>;
  handler: (args: ArgumentsCamelCase<U>) => void | Promise<void>;
}

export function defineCommand<U = GlobalArgs>(spec: CommandSpec<U>): CommandModule<GlobalArgs, U> {
  return spec as CommandModule<GlobalArgs, U>;
}
