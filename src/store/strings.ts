import type { SqlDatabase, SqlStatement } from './sql.js';

/** Raw payloads remembered as seen once, before the memory is dropped and started again. */
const SEEN_ONCE_LIMIT = 1 << 16;
/** Raw payloads interned by one table at most: a trace of all-distinct payloads stays inline. */
const REPEATED_LIMIT = 1 << 18;

/**
 * A copy of `text` that does not point into the string it was sliced from: V8 keeps a whole parsed
 * chunk (a megabyte of trace text) alive for as long as one slice of it is a key of a long-lived map.
 */
function unshared(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** Interns text into the strings table and reads it back, with a cache on each side. */
export class StringTable {
  private readonly ids = new Map<string, number>();
  private seenOnce = new Set<string>();
  private readonly repeatedIds = new Map<string, bigint>();
  private readonly lastText: (string | undefined)[] = [undefined, undefined, undefined];
  private readonly lastId = [0, 0, 0];
  private repeated = 0;
  private readonly texts = new Map<number, string>();
  private readonly insert: SqlStatement;
  private readonly byText: SqlStatement;
  private readonly byId: SqlStatement;

  constructor(db: SqlDatabase) {
    this.insert = db.prepare('INSERT OR IGNORE INTO strings (text) VALUES (?)');
    this.byText = db.prepare('SELECT id FROM strings WHERE text = ?').pluck();
    this.byId = db.prepare('SELECT text FROM strings WHERE id = ?').pluck();
  }

  /**
   * `memo` names a column (0 name, 1 comm, 2 file): consecutive events mostly repeat each one, and a
   * repeat of the column's last text skips the map.
   */
  id(text: string, memo?: 0 | 1 | 2): number {
    if (memo !== undefined && text === this.lastText[memo]) return this.lastId[memo]!;
    let id = this.ids.get(text);
    if (id === undefined) {
      this.insert.run(text);
      id = this.byText.get(text) as number;
      this.ids.set(unshared(text), id);
    }
    if (memo !== undefined) {
      this.lastText[memo] = text;
      this.lastId[memo] = id;
    }
    return id;
  }

  /**
   * The id of a text seen before (interning it now), or undefined the first time: worth an id only
   * when it repeats. Memory is bounded: the seen-once set is dropped when full, and after
   * REPEATED_LIMIT interned texts everything new stays inline.
   */
  idIfRepeated(text: string): bigint | undefined {
    const known = this.repeatedIds.get(text);
    if (known !== undefined) return known;
    if (this.repeated >= REPEATED_LIMIT) return undefined;
    if (!this.seenOnce.has(text)) {
      if (this.seenOnce.size >= SEEN_ONCE_LIMIT) this.seenOnce = new Set();
      this.seenOnce.add(unshared(text));
      return undefined;
    }
    this.seenOnce.delete(text);
    this.repeated++;
    // A bigint, so better-sqlite3 binds an INTEGER: a JS number is bound as a REAL, which a column
    // without affinity (events.args) would keep as an 8-byte float.
    const id = BigInt(this.id(text));
    this.repeatedIds.set(unshared(text), id);
    return id;
  }

  text(id: number): string {
    let text = this.texts.get(id);
    if (text === undefined) {
      text = (this.byId.get(id) as string | undefined) ?? `?${id}`;
      this.texts.set(id, text);
    }
    return text;
  }

  /** After a rollback the cached ids may name rows that no longer exist. */
  forget(): void {
    this.ids.clear();
    this.texts.clear();
    this.seenOnce.clear();
    this.repeatedIds.clear();
    this.lastText.fill(undefined);
    this.repeated = 0;
  }
}
