import { crc32 } from 'node:zlib';
import type { Args } from '../model/event.js';
import { CorruptStoreError } from '../errors.js';
import { hasChecksums } from './schema.js';
import { SeenOnce, unshared } from './seen-once.js';
import type { SqlDatabase, SqlStatement } from './sql.js';

/** Decoded args of interned payloads kept, before the memory is dropped and started again. */
const ARGS_CACHE_LIMIT = 1 << 16;
/** Raw payloads interned by one table at most: a trace of all-distinct payloads stays inline. */
const REPEATED_LIMIT = 1 << 18;

/** Interns text into the strings table and reads it back, with a cache on each side. */
export class StringTable {
  private readonly ids = new Map<string, number>();
  private readonly seenOnce = new SeenOnce();
  private readonly repeatedIds = new Map<string, bigint>();
  private readonly lastText: (string | undefined)[] = [undefined, undefined, undefined];
  private readonly lastId = [0, 0, 0];
  private repeated = 0;
  private readonly texts = new Map<number, string>();
  /** Decoded args of interned payloads, by id: events that repeat a payload share its object. */
  private readonly argsById = new Map<number, Args>();
  private readonly insert: SqlStatement;
  private readonly byText: SqlStatement;
  private readonly byId: SqlStatement;
  /** Each text carries its CRC-32 (migration 003), checked when it is read. */
  private readonly checked: boolean;

  constructor(db: SqlDatabase) {
    this.checked = hasChecksums(db);
    this.insert = this.checked
      ? db.prepare('INSERT OR IGNORE INTO strings (text, crc) VALUES (?, ?)')
      : db.prepare('INSERT OR IGNORE INTO strings (text) VALUES (?)');
    this.byText = db.prepare('SELECT id FROM strings WHERE text = ?').pluck();
    this.byId = db.prepare(
      this.checked ? 'SELECT text, crc FROM strings WHERE id = ?' : 'SELECT text, NULL AS crc FROM strings WHERE id = ?',
    );
  }

  /**
   * `memo` names a column (0 name, 1 comm, 2 file): consecutive events mostly repeat each one, and a
   * repeat of the column's last text skips the map.
   */
  id(text: string, memo?: 0 | 1 | 2): number {
    if (memo !== undefined && text === this.lastText[memo]) return this.lastId[memo]!;
    let id = this.ids.get(text);
    if (id === undefined) {
      if (this.checked) this.insert.run(text, crc32(text));
      else this.insert.run(text);
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
    return this.seenOnce.again(text) ? this.repeatedId(text) : undefined;
  }

  /** The id of a text known to repeat (a parsing thread kept count), interning it now if need be. */
  repeatedId(text: string): bigint {
    let id = this.repeatedIds.get(text);
    if (id !== undefined) return id;
    this.repeated++;
    // A bigint, so better-sqlite3 binds an INTEGER: a JS number is bound as a REAL, which a column
    // without affinity (events.args) would keep as an 8-byte float.
    id = BigInt(this.id(text));
    this.repeatedIds.set(unshared(text), id);
    return id;
  }

  /** The two texts read last (an event's name and comm, mostly the same as the event before's). */
  private readonly recentIds = [-1, -1];
  private readonly recentTexts = ['', ''];

  /** The text of an id an event names; a missing or altered one is damage, never shown as something else. */
  text(id: number): string {
    const recent = this.recentIds;
    if (id === recent[0]) return this.recentTexts[0]!;
    if (id === recent[1]) {
      recent[1] = recent[0]!;
      recent[0] = id;
      const t = this.recentTexts[1]!;
      this.recentTexts[1] = this.recentTexts[0]!;
      return (this.recentTexts[0] = t);
    }
    const text = this.lookUp(id);
    recent[1] = recent[0]!;
    this.recentTexts[1] = this.recentTexts[0]!;
    recent[0] = id;
    return (this.recentTexts[0] = text);
  }

  private lookUp(id: number): string {
    let text = this.texts.get(id);
    if (text === undefined) {
      const row = this.byId.get(id) as { text: unknown; crc: number | null } | undefined;
      if (!row || typeof row.text !== 'string') throw new CorruptStoreError(`interned text ${id}, which events refer to, is missing`);
      if (row.crc !== null && row.crc !== crc32(row.text))
        throw new CorruptStoreError(`interned text ${id} is damaged: it differs from the checksum recorded when it was written`);
      text = row.text;
      this.texts.set(id, text);
    }
    return text;
  }

  /**
   * The args an interned payload stands for (event-codec.ts: a JSON object, or a raw text), decoded
   * once per id: a replay of 2.65M events decodes 8,273 payloads instead of 2.64M. Readers share the
   * object, as trace.dat's importer shares its repeated payloads; nothing changes args in place.
   */
  argsOf(id: number, decode: (text: string) => Args): Args {
    let args = this.argsById.get(id);
    if (args === undefined) {
      args = decode(this.text(id));
      if (this.argsById.size >= ARGS_CACHE_LIMIT) this.argsById.clear();
      this.argsById.set(id, args);
    }
    return args;
  }

  /** After a rollback the cached ids may name rows that no longer exist. */
  forget(): void {
    this.ids.clear();
    this.texts.clear();
    this.argsById.clear();
    this.recentIds.fill(-1);
    this.seenOnce.clear();
    this.repeatedIds.clear();
    this.lastText.fill(undefined);
    this.repeated = 0;
  }
}
