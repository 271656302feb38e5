// What a JSON Lines event must be before it is stored, beyond being JSON: the fields of src/model/
// event.ts with their types, integers where the model has integers, and args nested no deeper than
// MAX_DEPTH. JSON.parse reads a 20-digit number as the nearest double and a field of the wrong type
// as it is; either would be stored as if it were what the line said.

/** Levels of nesting allowed below args and result (README "Real traces"). */
export const MAX_DEPTH = 32;

const INTEGER_FIELDS = ['pid', 'tid', 'cpu', 'vm', 'vcpu'] as const;
const STRING_FIELDS = ['comm', 'label'] as const;

/**
 * The first thing wrong with a nested value: too deep, or a number JSON.parse may have rounded (an
 * integer beyond 2^53, which hvreplay keeps as a "0x..." string). Iterative, so depth cannot overflow
 * the stack that checks it.
 */
function nestedProblem(root: unknown, where: string): string | undefined {
  const stack: [unknown, number, string][] = [[root, 0, where]];
  while (stack.length > 0) {
    const [value, depth, path] = stack.pop()!;
    if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value))
      return `${path}: ${value} is beyond 2^53 and cannot be kept exactly; write it as a "0x..." string`;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_DEPTH) return `${where}: nested more than ${MAX_DEPTH} levels deep`;
    for (const [key, child] of Object.entries(value)) stack.push([child, depth + 1, `${path}.${key}`]);
  }
  return undefined;
}

/** Why the parsed line is not an event hvreplay can store, or undefined when it is one. */
export function eventProblem(e: Record<string, unknown>): string | undefined {
  for (const key of INTEGER_FIELDS) {
    const v = e[key];
    if (v !== undefined && v !== null && !(typeof v === 'number' && Number.isSafeInteger(v) && v >= -1))
      return `"${key}": expected a whole number, not ${JSON.stringify(v)}`;
  }
  for (const key of STRING_FIELDS) {
    const v = e[key];
    if (v !== undefined && v !== null && typeof v !== 'string') return `"${key}": expected a string, not ${JSON.stringify(v)}`;
  }
  if (e.ts !== undefined && e.ts !== null && !(typeof e.ts === 'number' && Number.isFinite(e.ts)))
    return `"ts": expected seconds as a number, not ${JSON.stringify(e.ts)}`;
  for (const key of ['args', 'result'] as const) {
    const v = e[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'object' || Array.isArray(v)) return `"${key}": expected an object, not ${JSON.stringify(v).slice(0, 40)}`;
    const problem = nestedProblem(v, key);
    if (problem) return problem;
  }
  return undefined;
}
