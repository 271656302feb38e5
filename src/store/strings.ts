import type { SqlDatabase, SqlStatement } from './sql.js';

/** Interns text into the strings table and reads it back, with a cache on each side. */
export class StringTable {
  private readonly ids = new Map<string, number>();
  private readonly texts = new Map<number, string>();
  private readonly insert: SqlStatement;
  private readonly byText: SqlStatement;
  private readonly byId: SqlStatement;

  constructor(db: SqlDatabase) {
    this.insert = db.prepare('INSERT OR IGNORE INTO strings (text) VALUES (?)');
    this.byText = db.prepare('SELECT id FROM strings WHERE text = ?').pluck();
    this.byId = db.prepare('SELECT text FROM strings WHERE id = ?').pluck();
  }

  id(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      this.insert.run(text);
      id = this.byText.get(text) as number;
      this.ids.set(text, id);
    }
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
  }
}
