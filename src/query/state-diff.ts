// A structural differ for states (plain JSON data), built for lockstep replays. The reducers are
// copy-on-write, so after an event only the branches it touched are new objects; everything else is
// the very object of the previous state. `diffAndShare` walks only where the two sides' references
// differ, and hands back side B rebuilt so that every subtree equal to A's *is* A's: at the next
// event, reference equality again answers for everything neither policy touched. Sharing is safe
// because states are never mutated.

export interface PathDifference {
  /** Dotted path as `hvreplay state --path` takes it: vms[0].vcpus[0].lastExit; odd keys as ["vm.allocate_pgste"]. */
  path: string;
  /** The value on each side; undefined means absent. */
  a: unknown;
  b: unknown;
}

export interface DiffCollector {
  differences: PathDifference[];
  /** Differences beyond `limit`, counted but not kept. */
  omitted: number;
  limit: number;
}

export function collector(limit = 1000): DiffCollector {
  return { differences: [], omitted: 0, limit };
}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object';
}

function keyPath(prefix: string, key: string): string {
  if (!/^[A-Za-z0-9_$-]+$/.test(key)) return `${prefix}[${JSON.stringify(key)}]`;
  return prefix ? `${prefix}.${key}` : key;
}

function record(out: DiffCollector, path: string, a: unknown, b: unknown): void {
  if (out.differences.length < out.limit) out.differences.push({ path: path || '(root)', a, b });
  else out.omitted++;
}

/** Records every difference between `a` and `b` in `out`; returns `b` with A's equal subtrees shared in. */
export function diffAndShare<T>(a: T, b: T, out: DiffCollector, path = ''): T {
  if (a === b) return a;
  if (!isObject(a) || !isObject(b) || Array.isArray(a) !== Array.isArray(b)) {
    if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) record(out, path, a, b);
    return b;
  }
  if (Array.isArray(a) && Array.isArray(b)) return diffArrays(a, b, out, path) as T;
  return diffObjects(a, b, out, path) as T;
}

function diffArrays(a: unknown[], b: unknown[], out: DiffCollector, path: string): unknown[] {
  let same = a.length === b.length;
  const next = new Array<unknown>(b.length);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const at = `${path}[${i}]`;
    if (i >= b.length) {
      record(out, at, a[i], undefined);
      continue;
    }
    if (i >= a.length) {
      record(out, at, undefined, b[i]);
      next[i] = b[i];
      continue;
    }
    next[i] = diffAndShare(a[i], b[i], out, at);
    if (next[i] !== a[i]) same = false;
  }
  return same ? a : next;
}

function diffObjects(a: Obj, b: Obj, out: DiffCollector, path: string): Obj {
  let same = true;
  const next: Obj = {};
  for (const key of Object.keys(b)) {
    const bv = b[key];
    if (bv === undefined) continue;
    const av = a[key];
    if (av === undefined) {
      record(out, keyPath(path, key), undefined, bv);
      same = false;
      next[key] = bv;
      continue;
    }
    next[key] = diffAndShare(av, bv, out, keyPath(path, key));
    if (next[key] !== av) same = false;
  }
  for (const key of Object.keys(a)) {
    if (a[key] !== undefined && b[key] === undefined) {
      record(out, keyPath(path, key), a[key], undefined);
      same = false;
    }
  }
  return same ? a : next;
}

/** All differences between two values, without the sharing (for one-off comparisons). */
export function diffValues(a: unknown, b: unknown, limit = 1000): DiffCollector {
  const out = collector(limit);
  diffAndShare(a, b, out);
  return out;
}
