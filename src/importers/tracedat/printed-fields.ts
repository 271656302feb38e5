import type { Args, ArgValue } from '../../model/event.js';
import { formatConversion, splitFormat, type Conversion } from './c-printf.js';
import { fieldsOf, parsePrintFmt, type Expr, type PrintFmt } from './print-fmt.js';

// How a field reads in an event's TP_printk output, computed from the event's own print fmt: the
// text of the run of conversions (with no literal text between them) whose arguments read that
// field. kvm_exit's "reason %s%s%s" gives exit_reason 30 on VMX as "IO_INSTRUCTION";
// sched_switch's "prev_state=%s%s" gives 1 as "S". Evaluation follows the kernel's print helpers
// (kernel/trace/trace_output.c: trace_print_symbols_seq and trace_print_flags_seq print an unknown
// value as 0x%lx), with C's integer rules on 64-bit values. An expression this evaluator does not
// know makes the field unprintable (undefined), never a guess.

type Value = bigint | string;

class Unsupported extends Error {}

export type SymbolOf = (address: bigint) => string | undefined;

function toValue(v: ArgValue | undefined): Value {
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'string') return /^-?0x[0-9a-f]+$/.test(v) ? (v.startsWith('-') ? -BigInt(v.slice(1)) : BigInt(v)) : v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  throw new Unsupported('a field that is not a number or a string');
}

const num = (v: Value): bigint => {
  if (typeof v === 'bigint') return v;
  throw new Unsupported('a number');
};
const truthy = (v: Value): boolean => (typeof v === 'bigint' ? v !== 0n : true);

function castTo(type: string, v: bigint): bigint {
  if (type.includes('*')) return BigInt.asUintN(64, v);
  const bits = /\b(u8|s8|char)\b/.test(type)
    ? 8
    : /\b(u16|s16|short)\b/.test(type)
      ? 16
      : /\blong\b|64/.test(type)
        ? 64
        : /\b(u32|s32|int|unsigned)\b/.test(type)
          ? 32
          : 64;
  const unsigned = /\bunsigned\b|\bu(8|16|32|64)\b|^bool$/.test(type);
  return unsigned ? BigInt.asUintN(bits, v) : BigInt.asIntN(bits, v);
}

function symbolic(val: bigint, table: Expr[], fields: Args): string {
  for (const entry of table) {
    if (entry.k !== 'list' || entry.items.length < 2) throw new Unsupported('a { value, "name" } entry');
    if (num(evaluate(entry.items[0]!, fields)) === val) return String(evaluate(entry.items[1]!, fields));
  }
  return '0x' + BigInt.asUintN(64, val).toString(16);
}

function flags(val: bigint, delim: string, table: Expr[], fields: Args): string {
  const parts: string[] = [];
  let rest = BigInt.asUintN(64, val);
  for (const entry of table) {
    if (rest === 0n) break;
    if (entry.k !== 'list' || entry.items.length < 2) throw new Unsupported('a { mask, "name" } entry');
    const mask = BigInt.asUintN(64, num(evaluate(entry.items[0]!, fields)));
    if ((rest & mask) !== mask) continue;
    rest &= ~mask;
    parts.push(String(evaluate(entry.items[1]!, fields)));
  }
  if (rest !== 0n) parts.push('0x' + rest.toString(16));
  return parts.join(delim);
}

function evaluate(e: Expr, fields: Args): Value {
  switch (e.k) {
    case 'num':
    case 'str':
      return e.v;
    case 'field':
      return toValue(fields[e.name]);
    case 'ternary':
      return truthy(evaluate(e.c, fields)) ? evaluate(e.a, fields) : evaluate(e.b, fields);
    case 'cast': {
      const v = evaluate(e.a, fields);
      return typeof v === 'bigint' ? castTo(e.type, v) : v;
    }
    case 'unary': {
      const v = evaluate(e.a, fields);
      if (e.op === '!') return truthy(v) ? 0n : 1n;
      if (e.op === '-') return -num(v);
      if (e.op === '~') return ~num(v);
      if (e.op === '+') return num(v);
      throw new Unsupported(`unary ${e.op}`);
    }
    case 'binary':
      return binary(e.op, e.a, e.b, fields);
    case 'call':
      return call(e.name, e.args, fields);
    default:
      throw new Unsupported(e.k);
  }
}

function binary(op: string, ea: Expr, eb: Expr, fields: Args): Value {
  if (op === '&&') return truthy(evaluate(ea, fields)) && truthy(evaluate(eb, fields)) ? 1n : 0n;
  if (op === '||') return truthy(evaluate(ea, fields)) || truthy(evaluate(eb, fields)) ? 1n : 0n;
  const a = num(evaluate(ea, fields));
  const b = num(evaluate(eb, fields));
  const bool = (x: boolean): bigint => (x ? 1n : 0n);
  switch (op) {
    case '==':
      return bool(a === b);
    case '!=':
      return bool(a !== b);
    case '<':
      return bool(a < b);
    case '>':
      return bool(a > b);
    case '<=':
      return bool(a <= b);
    case '>=':
      return bool(a >= b);
    case '&':
      return a & b;
    case '|':
      return a | b;
    case '^':
      return a ^ b;
    case '<<':
      if (b < 0n || b > 64n) throw new Unsupported('a shift beyond 64 bits');
      return BigInt.asUintN(64, a << b);
    case '>>':
      if (b < 0n || b > 64n) throw new Unsupported('a shift beyond 64 bits');
      return a >> b;
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (b === 0n) throw new Unsupported('division by zero');
      return a / b;
    case '%':
      if (b === 0n) throw new Unsupported('division by zero');
      return a % b;
    default:
      throw new Unsupported(op);
  }
}

function call(name: string, args: Expr[], fields: Args): Value {
  if (args.length < 1 || (name.startsWith('__print_flags') && args.length < 2)) throw new Unsupported(`${name}() without its arguments`);
  switch (name) {
    case '__print_symbolic':
    case '__print_symbolic_u64':
      return symbolic(num(evaluate(args[0]!, fields)), args.slice(1), fields);
    case '__print_flags':
    case '__print_flags_u64':
      return flags(num(evaluate(args[0]!, fields)), String(evaluate(args[1]!, fields)), args.slice(2), fields);
    case '__get_str':
    case '__get_rel_str':
      return toValue(args[0]?.k === 'ident' ? fields[args[0].name] : undefined);
    default:
      throw new Unsupported(`${name}()`);
  }
}

interface Run {
  conversions: { c: Conversion; arg: Expr; width?: Expr; precision?: Expr }[];
  fields: string[];
}

/** Memoised results per run are kept up to this many distinct field values. */
const CACHE_LIMIT = 4096;

/** The printed form of an event's fields, from its print fmt; one per event format. */
export class PrintedFields {
  private runs: Run[] | undefined;
  private readonly byField = new Map<string, Run | undefined>();
  private readonly cache = new Map<Run, Map<string, string | undefined>>();

  constructor(
    private readonly printFmt: string,
    private readonly longBits: number,
    private readonly symbolOf: SymbolOf,
  ) {}

  /** The text the field's run of conversions prints for this record, or undefined. */
  printed(field: string, fields: Args): string | undefined {
    let run = this.byField.get(field);
    if (!this.byField.has(field)) {
      run = this.parsed().find((r) => r.fields.includes(field));
      this.byField.set(field, run);
    }
    if (!run) return undefined;
    let memo = this.cache.get(run);
    if (!memo) this.cache.set(run, (memo = new Map()));
    const key = run.fields.map((f) => JSON.stringify(fields[f] ?? null)).join(',');
    if (memo.has(key)) return memo.get(key);
    const text = this.render(run, fields);
    if (memo.size >= CACHE_LIMIT) memo.clear();
    memo.set(key, text);
    return text;
  }

  private render(run: Run, fields: Args): string | undefined {
    try {
      let out = '';
      for (const { c, arg, width, precision } of run.conversions) {
        const conv = { ...c };
        if (width) conv.width = Number(num(evaluate(width, fields)));
        if (precision) conv.precision = Number(num(evaluate(precision, fields)));
        const text = formatConversion(conv, evaluate(arg, fields), this.longBits, this.symbolOf);
        if (text === undefined) return undefined;
        out += text;
      }
      return out;
    } catch (error) {
      if (error instanceof Unsupported) return undefined;
      throw error;
    }
  }

  private parsed(): Run[] {
    if (this.runs) return this.runs;
    this.runs = [];
    let fmt: PrintFmt;
    try {
      fmt = parsePrintFmt(this.printFmt);
    } catch {
      return this.runs;
    }
    let next = 0;
    let current: Run | undefined;
    for (const segment of splitFormat(fmt.format)) {
      if ('text' in segment) {
        current = undefined;
        continue;
      }
      const c = segment.conversion;
      const width = c.width === '*' ? fmt.args[next++] : undefined;
      const precision = c.precision === '*' ? fmt.args[next++] : undefined;
      const arg = fmt.args[next++];
      if (!arg) break;
      if (!current) this.runs.push((current = { conversions: [], fields: [] }));
      current.conversions.push({ c, arg, ...(width ? { width } : {}), ...(precision ? { precision } : {}) });
      for (const f of fieldsOf(arg)) if (!current.fields.includes(f)) current.fields.push(f);
    }
    return this.runs;
  }
}
