import { EXIT, HvreplayError } from '../errors.js';

/** Errors the user can act on carry their exit status; anything else is a bug (70) with its stack. */
export function exitCodeFor(error: unknown): { code: number; message: string } {
  if (error instanceof HvreplayError) return { code: error.exitCode, message: error.message };
  return {
    code: EXIT.internal,
    message: `internal error (please report): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  };
}
