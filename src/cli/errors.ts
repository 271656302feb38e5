import {
  EnvironmentError,
  InterruptedError,
  PathError,
  PolicyError,
  PositionError,
  PredicateError,
  ScenarioError,
  SourceError,
  StoreError,
} from '../errors.js';
import { CliError, EXIT } from './exit-codes.js';

/** Errors the user can act on map to their exit status; anything else is a bug (70) with its stack. */
export function exitCodeFor(error: unknown): { code: number; message: string } {
  if (error instanceof CliError) return { code: error.exitCode, message: error.message };
  if (error instanceof EnvironmentError) return { code: EXIT.environment, message: error.message };
  if (error instanceof InterruptedError) return { code: EXIT.interrupted, message: error.message };
  if (error instanceof ScenarioError)
    return {
      code: EXIT.usage,
      message: `invalid scenario ${error.file}:\n${error.problems.map((p) => '  ' + p).join('\n')}\nnothing was stored`,
    };
  if (
    error instanceof SourceError ||
    error instanceof StoreError ||
    error instanceof PolicyError ||
    error instanceof PathError ||
    error instanceof PositionError ||
    error instanceof PredicateError
  ) {
    return { code: EXIT.usage, message: error.message };
  }
  return {
    code: EXIT.internal,
    message: `internal error (please report): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  };
}
