import { HvreplayError, EXIT, type ExitCode } from '../errors.js';

export { EXIT };

/** An error found by a command handler: its message is for the user, its status known. */
export class CliError extends HvreplayError {
  constructor(message: string, exitCode: ExitCode = EXIT.usage) {
    super(message, exitCode);
  }
}

/** The command line itself is wrong (an unknown option, a bad value): the one error worth a --help hint. */
export class UsageError extends CliError {
  constructor(
    message: string,
    readonly command: string | undefined,
  ) {
    super(message, EXIT.usage);
  }
}
