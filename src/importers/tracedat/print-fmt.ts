// The "print fmt" line of an event format: a C format string and the C expressions of its
// arguments, as the kernel's TP_printk() was expanded (REC->field, ternaries, arithmetic, casts,
// __print_symbolic / __print_flags with { value, "name" } tables). Parsed into a small syntax tree
// so that the names a field prints as (an exit reason, a task state) come from the file's own
// tables, as libtraceevent's process_arg/eval_num_arg do (src/event-parse.c), not from tables
// written into hvreplay. Only expressions are parsed here; nothing is ever executed as code.

export type Expr =
  | { k: 'num'; v: bigint }
  | { k: 'str'; v: string }
  | { k: 'field'; name: string }
  | { k: 'ident'; name: string }
  | { k: 'unary'; op: string; a: Expr }
  | { k: 'binary'; op: string; a: Expr; b: Expr }
  | { k: 'ternary'; c: Expr; a: Expr; b: Expr }
  | { k: 'cast'; type: string; a: Expr }
  | { k: 'call'; name: string; args: Expr[] }
  | { k: 'list'; items: Expr[] };

export interface PrintFmt {
  format: string;
  args: Expr[];
}

export class PrintFmtError extends Error {}

type Token = { t: 'str' | 'num' | 'id' | 'op'; v: string };

const PUNCT = ['->', '==', '!=', '<=', '>=', '&&', '||', '<<', '>>', ...'(){}[],?:+-*/%&|^~!<>.'.split('')];

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '"') {
      let s = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) {
          const e = text[i + 1]!;
          const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '0': '\0' };
          if (e === 'x') {
            const hex = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 2))?.[0] ?? '';
            s += String.fromCharCode(parseInt(hex || '0', 16));
            i += 2 + hex.length;
          } else {
            s += esc[e] ?? e;
            i += 2;
          }
        } else s += text[i++];
      }
      if (i >= text.length) throw new PrintFmtError('a closing " in the print fmt');
      i++;
      out.push({ t: 'str', v: s });
    } else if (/[0-9]/.test(c)) {
      const m = /^(0[xX][0-9a-fA-F]+|\d+)[uUlL]*/.exec(text.slice(i))!;
      out.push({ t: 'num', v: m[1]! });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_]\w*/.exec(text.slice(i))!;
      out.push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else if (c === "'") {
      const m = /^'(\\?.)'/.exec(text.slice(i));
      if (!m) throw new PrintFmtError(`a character literal at ${i}`);
      out.push({ t: 'num', v: String(m[1]!.at(-1)!.charCodeAt(0)) });
      i += m[0].length;
    } else {
      const p = PUNCT.find((op) => text.startsWith(op, i));
      if (!p) throw new PrintFmtError(`an operator, not "${c}" at ${i}`);
      out.push({ t: 'op', v: p });
      i += p.length;
    }
  }
  return out;
}

const BINARY: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

const TYPE_WORDS =
  /^(?:const|volatile|unsigned|signed|char|short|int|long|bool|void|struct|enum|union|u8|u16|u32|u64|s8|s16|s32|s64|__u8|__u16|__u32|__u64|__s8|__s16|__s32|__s64|size_t|ssize_t|loff_t|pid_t|gfp_t|dev_t|sector_t|[a-z_]+_t)$/;

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(v?: string): Token | undefined {
    const t = this.toks[this.i];
    return v === undefined || t?.v === v ? t : undefined;
  }

  private take(v?: string): Token {
    const t = this.toks[this.i];
    if (!t || (v !== undefined && t.v !== v)) throw new PrintFmtError(`"${v ?? 'a token'}" in the print fmt, not "${t?.v ?? 'its end'}"`);
    this.i++;
    return t;
  }

  done(): boolean {
    return this.i >= this.toks.length;
  }

  list(end?: string): Expr[] {
    const items: Expr[] = [];
    if (end !== undefined && this.peek(end)) return items;
    for (;;) {
      items.push(this.expr());
      if (!this.peek(',')) return items;
      this.take(',');
    }
  }

  expr(): Expr {
    const c = this.binary(1);
    if (!this.peek('?')) return c;
    this.take('?');
    const a = this.expr();
    this.take(':');
    return { k: 'ternary', c, a, b: this.expr() };
  }

  private binary(min: number): Expr {
    let a = this.unary();
    for (;;) {
      const t = this.peek();
      const prec = t?.t === 'op' ? BINARY[t.v] : undefined;
      if (prec === undefined || prec < min) return a;
      this.take();
      a = { k: 'binary', op: t!.v, a, b: this.binary(prec + 1) };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t?.t === 'op' && ['-', '!', '~', '+', '*', '&'].includes(t.v)) {
      this.take();
      return { k: 'unary', op: t.v, a: this.unary() };
    }
    if (t?.v === '(' && this.isCast()) {
      this.take('(');
      const words: string[] = [];
      while (!this.peek(')')) words.push(this.take().v);
      this.take(')');
      return { k: 'cast', type: words.join(' '), a: this.unary() };
    }
    return this.postfix(this.primary());
  }

  /** `(unsigned long)x`: a parenthesised run of type words and `*` before an operand. */
  private isCast(): boolean {
    let j = this.i + 1;
    let words = 0;
    while (this.toks[j] && this.toks[j]!.v !== ')') {
      const t = this.toks[j]!;
      if (t.t === 'id' && TYPE_WORDS.test(t.v)) words++;
      else if (!(t.t === 'op' && t.v === '*') && !(t.t === 'id' && words > 0 && /^(struct|enum|union)$/.test(this.toks[j - 1]!.v)))
        return false;
      j++;
    }
    return words > 0 && this.toks[j]?.v === ')';
  }

  private postfix(e: Expr): Expr {
    for (;;) {
      if (this.peek('->') || this.peek('.')) {
        this.take();
        const name = this.take().v;
        e = e.k === 'ident' && e.name === 'REC' ? { k: 'field', name } : { k: 'call', name: '.member', args: [e, { k: 'str', v: name }] };
      } else if (this.peek('[')) {
        this.take('[');
        const index = this.expr();
        this.take(']');
        e = { k: 'call', name: '.index', args: [e, index] };
      } else if (this.peek('(') && e.k === 'ident') {
        this.take('(');
        const args = this.list(')');
        this.take(')');
        e = { k: 'call', name: e.name, args };
      } else return e;
    }
  }

  private primary(): Expr {
    const t = this.take();
    if (t.t === 'num') return { k: 'num', v: BigInt(t.v) };
    if (t.t === 'str') {
      let v = t.v;
      while (this.peek()?.t === 'str') v += this.take().v; // "KVM_EXIT_" "IO" is one string
      return { k: 'str', v };
    }
    if (t.t === 'id') return { k: 'ident', name: t.v };
    if (t.v === '(') {
      const e = this.expr();
      this.take(')');
      return e;
    }
    if (t.v === '{') {
      const items = this.list('}');
      this.take('}');
      return { k: 'list', items };
    }
    throw new PrintFmtError(`an operand, not "${t.v}"`);
  }
}

export function parsePrintFmt(text: string): PrintFmt {
  const p = new Parser(tokenize(text));
  const items = p.list();
  if (!p.done()) throw new PrintFmtError('the end of the print fmt after its arguments');
  const first = items[0];
  if (!first || first.k !== 'str') throw new PrintFmtError('a format string first in the print fmt');
  return { format: first.v, args: items.slice(1) };
}

/** The REC->fields an expression reads. */
export function fieldsOf(e: Expr, into = new Set<string>()): Set<string> {
  switch (e.k) {
    case 'field':
      into.add(e.name);
      break;
    case 'unary':
    case 'cast':
      fieldsOf(e.a, into);
      break;
    case 'binary':
      fieldsOf(e.a, into);
      fieldsOf(e.b, into);
      break;
    case 'ternary':
      [e.c, e.a, e.b].forEach((x) => fieldsOf(x, into));
      break;
    case 'call':
      e.args.forEach((x) => fieldsOf(x, into));
      break;
    case 'list':
      e.items.forEach((x) => fieldsOf(x, into));
      break;
  }
  return into;
}
