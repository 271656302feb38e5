// Errors whose message is for the user. Each carries the exit status it means (README "Exit codes"),
// so the CLI maps any of them without knowing the list. They live apart from the code that throws
// them so the CLI can recognise them without loading that code.

/** Exit statuses. diff(1) and git bisect users expect 0/1/2. */
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

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Every error meant for the user: its message is shown as it is, and it ends the process with `exitCode`. */
export class HvreplayError extends Error {
  readonly exitCode: ExitCode = EXIT.usage;
  constructor(message: string, exitCode?: ExitCode) {
    super(message);
    this.name = new.target.name;
    if (exitCode !== undefined) this.exitCode = exitCode;
  }
}

/** A store file that cannot be used as it is (newer schema, not SQLite, unknown trace). */
export class StoreError extends HvreplayError {}

/**
 * The store's file is damaged: SQLite reports corruption, or what was read does not match what the import
 * recorded (rows missing, seq not dense, a checksum that differs). Never answered around.
 */
export class CorruptStoreError extends StoreError {}

/** The store cannot be used on this machine right now: the disk is full, another writer holds it, I/O fails. */
export class StoreUnavailableError extends StoreError {
  override readonly exitCode: ExitCode = EXIT.environment;
}

/** An input file that cannot be read or parsed as a whole. */
export class SourceError extends HvreplayError {}

export class PolicyError extends HvreplayError {}

/** The machine lacks what a command needs (root, tracefs, strace, /dev/kvm). */
export class EnvironmentError extends HvreplayError {
  override readonly exitCode: ExitCode = EXIT.environment;
}

/** The user stopped a command with Ctrl-C. */
export class InterruptedError extends HvreplayError {
  override readonly exitCode: ExitCode = EXIT.interrupted;
}

export class PathError extends HvreplayError {}

export class PositionError extends HvreplayError {}

/** A predicate (bisect --when, breakpoints) that cannot be parsed or evaluated; the message points into it. */
export class PredicateError extends HvreplayError {}

/** A predicate that ran past its budget (time or size) at one evaluation: the expression, not the trace, is at fault. */
export class PredicateBudgetError extends PredicateError {}

/** Every problem of a scenario file, each as `file:line: path: what was expected`. */
export class ScenarioError extends HvreplayError {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid scenario ${file}:\n${problems.map((p) => '  ' + p).join('\n')}\nnothing was stored`);
  }
}

/** A policy from a user's file threw, or returned something that is not a state: reported with the file and the event. */
export class PolicyFailure extends HvreplayError {}
