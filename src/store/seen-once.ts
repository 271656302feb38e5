/**
 * A copy of `text` that does not point into the string it was sliced from: V8 keeps a whole parsed
 * chunk (a megabyte of trace text) alive for as long as one slice of it is a key of a long-lived map.
 */
export function unshared(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/**
 * The texts seen once, so that only one that repeats is worth an id: a bounded set, dropped and
 * started again when full, since it is a filter and not a record. Each text is kept as its own copy
 * (unshared) so the set does not hold the chunk it was sliced from.
 */
export class SeenOnce {
  private texts = new Set<string>();

  constructor(private readonly limit = 1 << 16) {}

  /** True when `text` was seen before (and is forgotten now); the first time, it is remembered. */
  again(text: string): boolean {
    if (this.texts.delete(text)) return true;
    if (this.texts.size >= this.limit) this.texts = new Set();
    this.texts.add(unshared(text));
    return false;
  }

  clear(): void {
    this.texts.clear();
  }
}
