// Exit statuses, documented in README.md "Exit codes". diff(1) and git bisect users expect 0/1/2.
export const EXIT = {
  ok: 0,
  /** The answer is "no": a check failed, two runs differ, a conformance mismatch. */
  negative: 1,
  /** Bad input or usage: an invalid file, an unknown trace or policy, a store from a newer hvreplay. */
  usage: 2,
  /** The environment lacks what the command needs: root, tracefs, strace, /dev/kvm. */
  environment: 3,
  /** A bug in hvreplay (EX_SOFTWARE). */
  internal: 70,
  /** Interrupted by Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;

/** An error whose message is for the user and whose exit status is known. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
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
