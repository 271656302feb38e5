// The printf conversions of a print fmt (vsnprintf in lib/vsprintf.c, as the kernel prints
// TP_printk), split into literal text and conversions, and one conversion applied to a value.
// %p with a letter after it (%ps, %pS, %pB) prints a kernel symbol; plain %p prints the value in
// hex. Anything else with a letter after %p is not printed here.

export interface Conversion {
  /** The whole spec, e.g. "%08llx". */
  spec: string;
  flags: string;
  width: number | '*' | undefined;
  precision: number | '*' | undefined;
  /** "", "h", "hh", "l", "ll", "z", ... */
  length: string;
  conv: string;
  /** For %p: the extension letters after it ("s", "S", "B"...). */
  ext: string;
}

export type Segment = { text: string } | { conversion: Conversion };

const SPEC = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?(hh|h|ll|l|L|q|j|z|Z|t)?([diouxXcspn%])/g;

export function splitFormat(format: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of format.matchAll(SPEC)) {
    const at = m.index;
    let end = at + m[0].length;
    if (m[5] === '%') {
      out.push({ text: format.slice(last, at) + '%' });
      last = end;
      continue;
    }
    if (at > last) out.push({ text: format.slice(last, at) });
    let ext = '';
    if (m[5] === 'p') {
      ext = /^[a-zA-Z]*/.exec(format.slice(end))![0];
      end += ext.length;
    }
    const width = m[2] === undefined ? undefined : m[2] === '*' ? '*' : Number(m[2]);
    const precision = m[3] === undefined ? undefined : m[3] === '*' ? '*' : Number(m[3] || '0');
    out.push({ conversion: { spec: format.slice(at, end), flags: m[1]!, width, precision, length: m[4] ?? '', conv: m[5]!, ext } });
    last = end;
  }
  if (last < format.length) out.push({ text: format.slice(last) });
  // Adjacent literal pieces (from %%) are one literal.
  return out.reduce<Segment[]>((acc, s) => {
    const prev = acc.at(-1);
    if (prev && 'text' in prev && 'text' in s) prev.text += s.text;
    else acc.push(s);
    return acc;
  }, []);
}

function bitsOf(length: string, longBits: number): number {
  if (length === 'hh') return 8;
  if (length === 'h') return 16;
  if (length === 'll' || length === 'L' || length === 'q' || length === 'j') return 64;
  if (length === 'l' || length === 'z' || length === 'Z' || length === 't') return longBits;
  return 32;
}

function pad(body: string, c: Conversion, sign = ''): string {
  const width = typeof c.width === 'number' ? c.width : 0;
  const total = sign.length + body.length;
  if (total >= width) return sign + body;
  if (c.flags.includes('-')) return sign + body + ' '.repeat(width - total);
  if (c.flags.includes('0') && c.conv !== 's' && c.conv !== 'c' && c.precision === undefined)
    return sign + '0'.repeat(width - total) + body;
  return ' '.repeat(width - total) + sign + body;
}

/**
 * One conversion of `value` (a bigint for integers, a string for %s). Returns undefined when the
 * conversion cannot be printed without knowledge hvreplay does not have.
 */
export function formatConversion(
  c: Conversion,
  value: bigint | string,
  longBits: number,
  symbolOf: (address: bigint) => string | undefined,
): string | undefined {
  if (c.conv === 's') {
    const s = String(value);
    return pad(typeof c.precision === 'number' ? s.slice(0, c.precision) : s, c);
  }
  if (typeof value !== 'bigint') return undefined;
  if (c.conv === 'c') return pad(String.fromCharCode(Number(BigInt.asUintN(8, value))), c);
  if (c.conv === 'p') {
    const address = BigInt.asUintN(longBits, value);
    if (c.ext === '') return pad(address.toString(16), c);
    if (/^[sSfFB]/.test(c.ext)) return symbolOf(address);
    return undefined;
  }
  const bits = bitsOf(c.length, longBits);
  let body: string;
  let sign = '';
  if (c.conv === 'd' || c.conv === 'i') {
    const v = BigInt.asIntN(bits, value);
    body = (v < 0n ? -v : v).toString();
    sign = v < 0n ? '-' : c.flags.includes('+') ? '+' : c.flags.includes(' ') ? ' ' : '';
  } else {
    const v = BigInt.asUintN(bits, value);
    const radix = c.conv === 'o' ? 8 : c.conv === 'u' ? 10 : 16;
    body = v.toString(radix);
    if (c.conv === 'X') body = body.toUpperCase();
    if (c.flags.includes('#') && v !== 0n) sign = c.conv === 'o' ? '0' : c.conv === 'x' ? '0x' : c.conv === 'X' ? '0X' : '';
  }
  if (typeof c.precision === 'number' && body.length < c.precision) body = '0'.repeat(c.precision - body.length) + body;
  return pad(body, c, sign);
}
