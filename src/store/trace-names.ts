import { StoreError } from '../errors.js';

// Trace names and ids are two namespaces (README "The store"): a reference that starts with `#` and
// digits is an id, anything else is a name, even "1". So names may not start with `#`, and `--name 1`
// names a trace "1" without touching the trace whose id is 1. Names are printed in tables and
// messages, so they hold printable characters only, and are short enough to read.

export const MAX_NAME_LENGTH = 128;

/** Control and format characters (C0, DEL, C1, bidi overrides...), unassigned, private use, line separators. */
const UNPRINTABLE = /[\p{C}\p{Zl}\p{Zp}]/u;

/** `#12`: the trace whose id is 12. */
export function idOf(ref: string): number | undefined {
  const m = /^#(\d{1,15})$/.exec(ref);
  return m ? Number(m[1]) : undefined;
}

/** A name as it may be shown anywhere: control characters escaped, long names cut. */
export function shownName(name: string, max = 80): string {
  const escaped = JSON.stringify(name).slice(1, -1);
  return escaped.length > max ? `${escaped.slice(0, max)}... (${name.length} characters)` : escaped;
}

/** Refuses a name a new trace may not have, saying why. */
export function checkTraceName(name: string): void {
  const problem =
    name.length === 0
      ? 'is empty'
      : name.length > MAX_NAME_LENGTH
        ? `is ${name.length} characters long; the limit is ${MAX_NAME_LENGTH}`
        : UNPRINTABLE.test(name)
          ? 'holds a control or other unprintable character'
          : name.trim() !== name
            ? 'starts or ends with white space'
            : name.startsWith('#')
              ? 'starts with #, which marks an id (#1 is the trace whose id is 1)'
              : /\.ya?ml$/i.test(name)
                ? 'ends in .yaml or .yml, which marks a scenario file where a trace is named'
                : undefined;
  if (problem) throw new StoreError(`the trace name '${shownName(name)}' ${problem}; choose another with --name`);
}
