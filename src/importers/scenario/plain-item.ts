// One event item of a scenario read without the yaml library, when it is written in the plain subset
// nearly every event item is: one `key: value` per line, each value a scalar or a one-line flow
// collection (`{ fd: 4, slot: 0 }`, `[3]`) of scalars. Composing a document with positions costs the
// yaml library about 70 us an item, most of a large scenario's import; this reads one in a few.
//
// It is a shortcut, never a second YAML dialect: a scalar is taken only where YAML 1.2's core schema
// (what the yaml library resolves with) gives it one meaning beyond doubt, and anything else (another
// number form, a quoted string with escapes, a nested block, an anchor, a tag, a duplicate key) makes
// it answer undefined, and the item is read by the yaml library as before. The test reads every
// bundled scenario both ways, and random items, and requires the same values.

type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A key the shortcut takes: a word, not one already there, and not one that would reach the prototype. */
function newKey(key: string, out: Record<string, Plain>): boolean {
  return KEY.test(key) && key !== '__proto__' && !Object.hasOwn(out, key);
}
const DECIMAL = /^(?:0|-?[1-9][0-9]*)$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const FIXED = /^-?(?:0|[1-9][0-9]*)\.[0-9]+$/;
/**
 * A plain scalar the core schema can only read as a string: no digit, dot, sign or indicator first,
 * and nothing after that ends or splits a plain scalar (`: `, ` #`, flow brackets and commas).
 * `|` joins flag names (`PROT_READ|PROT_WRITE`); in the middle of a scalar it is a character.
 */
const WORD = /^[A-Za-z_/][A-Za-z0-9_./|+=-]*$/;
/** Words the core schema reads as null or a boolean in some spelling; lowercase ones are taken. */
const RESERVED = /^(?:null|true|false)$/i;

/** The value of a plain scalar token, or undefined where the shortcut does not decide it. */
function scalar(token: string): Plain | undefined {
  if (token === 'null') return null;
  if (token === 'true') return true;
  if (token === 'false') return false;
  if (RESERVED.test(token)) return undefined;
  if (WORD.test(token)) return token;
  if (DECIMAL.test(token) || FIXED.test(token)) {
    const n = Number(token);
    return Number.isSafeInteger(n) || FIXED.test(token) ? n : undefined;
  }
  if (HEX.test(token)) {
    const n = Number.parseInt(token.slice(2), 16);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

/** A plain scalar's text runs to a space, or in a flow collection also to its comma or bracket. */
const BLOCK_TOKEN = /\S*/y;
const FLOW_TOKEN = /[^\s,\]}]*/y;

/** Reads one value of a line from `at`: a scalar, a quoted string or a flow collection. */
class LineReader {
  at = 0;
  constructor(readonly text: string) {}

  private spaces(): void {
    while (this.text[this.at] === ' ') this.at++;
  }

  /** A value in flow context (inside [] or {}), or in block context when `flow` is false. */
  value(flow: boolean): Plain | undefined {
    this.spaces();
    const c = this.text[this.at];
    if (c === '{') return this.map();
    if (c === '[') return this.seq();
    if (c === '"' || c === "'") {
      const end = this.text.indexOf(c, this.at + 1);
      if (end < 0) return undefined;
      const body = this.text.slice(this.at + 1, end);
      // Escapes ("\n") and doubled quotes ('it''s') mean more than their characters: left to yaml.
      if (c === '"' && body.includes('\\')) return undefined;
      if (this.text[end + 1] === c) return undefined;
      this.at = end + 1;
      return body;
    }
    const token = flow ? FLOW_TOKEN : BLOCK_TOKEN;
    token.lastIndex = this.at;
    const found = token.exec(this.text)![0];
    this.at += found.length;
    return scalar(found);
  }

  private seq(): Plain[] | undefined {
    this.at++;
    const out: Plain[] = [];
    this.spaces();
    if (this.text[this.at] === ']') return (this.at++, out);
    for (;;) {
      const v = this.value(true);
      if (v === undefined) return undefined;
      out.push(v);
      this.spaces();
      const c = this.text[this.at++];
      if (c === ']') return out;
      if (c !== ',') return undefined;
    }
  }

  private map(): Record<string, Plain> | undefined {
    this.at++;
    const out: Record<string, Plain> = {};
    this.spaces();
    if (this.text[this.at] === '}') return (this.at++, out);
    for (;;) {
      this.spaces();
      const colon = this.text.indexOf(': ', this.at);
      if (colon < 0) return undefined;
      const key = this.text.slice(this.at, colon);
      if (!newKey(key, out)) return undefined;
      this.at = colon + 2;
      const v = this.value(true);
      if (v === undefined) return undefined;
      out[key] = v;
      this.spaces();
      const c = this.text[this.at++];
      if (c === '}') return out;
      if (c !== ',') return undefined;
    }
  }

  /** Nothing but spaces and a comment may follow the value. */
  atEnd(): boolean {
    this.spaces();
    return this.at === this.text.length || (this.text[this.at] === '#' && this.text[this.at - 1] === ' ');
  }
}

/**
 * An event item's mapping, as the yaml library would give it, or undefined where the item is not in
 * the plain subset. `text` is the item as split.ts cut it: its first line begins `INDENT- `.
 */
export function readPlainItem(text: string): Record<string, Plain> | undefined {
  const lines = text.split('\n');
  const dash = /^( *)- /.exec(lines[0]!);
  if (!dash) return undefined;
  const keyIndent = dash[1]!.length + 2;
  const out: Record<string, Plain> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // The first line's key stands after `- `, at the column of the keys below it.
    let indent = i === 0 ? keyIndent : 0;
    while (line[indent] === ' ') indent++;
    const body = line.slice(indent);
    if (body === '' || body.startsWith('#')) continue;
    // A tab where YAML wants spaces, or a line of another level: the yaml library decides.
    if (indent !== keyIndent) return undefined;
    const colon = body.indexOf(': ');
    if (colon < 0) return undefined;
    const key = body.slice(0, colon);
    if (!newKey(key, out)) return undefined;
    const reader = new LineReader(body.slice(colon + 2));
    const value = reader.value(false);
    if (value === undefined || !reader.atEnd()) return undefined;
    out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
