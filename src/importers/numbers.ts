// Number parsing shared by the text importers. Values above 2^53 cannot be JS numbers without losing
// bits, so they travel as lower-case "0x..." strings (model/event.ts, ArgValue).

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Hex digits without a prefix (ftrace's %llx / %x). */
export function hexDigits(digits: string): number | string {
  if (digits.length <= 13) return parseInt(digits, 16);
  const big = BigInt('0x' + digits);
  return big <= MAX_SAFE ? Number(big) : '0x' + big.toString(16);
}

/**
 * A C integer as strace or ftrace prints it: decimal, 0x-hex, 0-octal, optionally negative.
 * Returns undefined when the text is not a plain integer.
 */
export function parseInteger(text: string): number | string | undefined {
  if (text.length === 0) return undefined;
  const neg = text.charCodeAt(0) === 0x2d;
  const body = neg ? text.slice(1) : text;
  let value: number | string;
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) value = hexDigits(body.slice(2).toLowerCase());
  else if (/^0[0-7]+$/.test(body)) value = parseInt(body, 8);
  else if (/^\d+$/.test(body)) {
    if (body.length <= 15) value = Number(body);
    else {
      const big = BigInt(body);
      value = big <= MAX_SAFE ? Number(big) : '0x' + big.toString(16);
    }
  } else return undefined;
  if (!neg) return value;
  return typeof value === 'number' ? -value : undefined;
}
