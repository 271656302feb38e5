import { toBig } from '../../model/address.js';
import type { ArgValue, Args } from '../../model/event.js';

// A syscall's arguments as strace prints them, from the names the importer gave them
// (src/importers/strace/syscall-args.ts), so `hvreplay log` reads as the strace did.

export function cHex(value: ArgValue | undefined): string {
  const big = toBig(value);
  return big === undefined ? String(value) : big === 0n ? '0' : '0x' + big.toString(16);
}

/** `fd` (or `dirfd`, ...) with its -y decoration, `3</dev/kvm>`. */
export function fdText(args: Args, key = 'fd'): string {
  const path = args[key === 'fd' ? 'fdPath' : `${key}Path`];
  return path === undefined ? String(args[key]) : `${args[key]}<${path}>`;
}

const SHORT: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\v': '\\v', '\f': '\\f', '"': '\\"', '\\': '\\\\' };

/** A string as strace quotes it: C escapes, other control bytes in octal. */
export function cQuote(text: string): string {
  let out = '"';
  for (const c of text) {
    const code = c.charCodeAt(0);
    out += SHORT[c] ?? (code < 0x20 || code === 0x7f ? `\\${code.toString(8)}` : c);
  }
  return out + '"';
}

const optional = (v: ArgValue | undefined): string[] => (v === undefined ? [] : [String(v)]);

export const SYSCALL_ARGS: Record<string, (args: Args) => string[]> = {
  mmap: (a) => [
    a.addr === null || a.addr === 0 ? 'NULL' : cHex(a.addr),
    String(a.length),
    String(a.prot),
    String(a.flags),
    fdText(a),
    cHex(a.offset ?? 0),
  ],
  munmap: (a) => [cHex(a.addr), String(a.length)],
  mprotect: (a) => [cHex(a.addr), String(a.length), String(a.prot)],
  madvise: (a) => [cHex(a.addr), String(a.length), String(a.advice)],
  openat: (a) => [fdText(a, 'dirfd'), cQuote(String(a.path)), String(a.flags), ...optional(a.mode)],
  open: (a) => [cQuote(String(a.path)), String(a.flags), ...optional(a.mode)],
  close: (a) => [fdText(a)],
  dup: (a) => [fdText(a)],
  dup2: (a) => [fdText(a), fdText(a, 'newfd')],
  dup3: (a) => [fdText(a), fdText(a, 'newfd'), String(a.flags)],
  fcntl: (a) => [fdText(a), String(a.cmd), ...optional(a.arg)],
  eventfd2: (a) => [String(a.initval), String(a.flags)],
  eventfd: (a) => [String(a.initval)],
  execve: (a) => [
    cQuote(String(a.path)),
    Array.isArray(a.argv) ? `[${a.argv.map((s) => cQuote(String(s))).join(', ')}]` : String(a.argv),
    a.envc === undefined ? String(a.envp) : `${a.envp} /* ${a.envc} var${a.envc === 1 ? '' : 's'} */`,
  ],
};
