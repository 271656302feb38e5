// Errors whose message is for the user: each means bad input or usage (exit status 2). They live
// apart from the code that throws them so the CLI can recognise them without loading that code.

/** A store file that cannot be used as it is (newer schema, not SQLite, unknown trace). */
export class StoreError extends Error {}

/** An input file that cannot be read or parsed as a whole. */
export class SourceError extends Error {}

export class PolicyError extends Error {}

/** The machine lacks what a command needs (root, tracefs, strace, /dev/kvm): exit status 3. */
export class EnvironmentError extends Error {}

/** The user stopped a command with Ctrl-C: exit status 130. */
export class InterruptedError extends Error {}

export class PathError extends Error {}

export class PositionError extends Error {}

/** A predicate (bisect --when, breakpoints) that cannot be parsed or evaluated; the message points into it. */
export class PredicateError extends Error {}

/** Every problem of a scenario file, each as `file:line: path: what was expected`. */
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(problems.join('\n'));
  }
}
