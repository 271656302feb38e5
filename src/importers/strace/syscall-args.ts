import type { ArgValue, Args } from '../../model/event.js';
import { parseInteger } from '../numbers.js';
import { splitArgs } from './tokenizer.js';

// The arguments of the syscalls the reducers read, under the names they read (src/engine/reducers/
// syscall.ts: `path`, `fd`, `fdPath`, ...), decoded from strace's text. Shapes as strace 6.1 prints
// them with -y (test/fixtures/traces/vmm-fds.strace):
//   openat(AT_FDCWD</tmp/x>, "/dev/kvm", O_RDWR|O_CLOEXEC) = 3</dev/kvm>
//   close(3</dev/kvm>) = 0
//   close(3</memfd:test>(deleted)) = 0   (a file unlinked while open: q35-virtio-split.strace.gz:397)
//   dup(4<anon_inode:kvm-vm>) = 7<anon_inode:kvm-vm>
//   dup2(5<anon_inode:[eventfd]>, 21) = 21<anon_inode:[eventfd]>
//   dup3(3</dev/kvm>, 20, O_CLOEXEC) = 20</dev/kvm>
//   eventfd2(0, EFD_CLOEXEC) = 5<anon_inode:[eventfd]>
//   execve("/tmp/x/mini-vmm", ["/tmp/x/mini-vmm", "0", "fds"], 0x7fff866030c8 /* 39 vars */) = 0
//     (the environment as its address `envp` and its count `envc`)
// A call whose arguments do not have the expected shape keeps its text as `raw`.

const FD = /^(-?\d+)(?:<(.*)>(?:\(deleted\))?)?$/;
const VCPU = /^anon_inode:kvm-vcpu:(\d+)$/;

export function num(text: string): ArgValue {
  return parseInteger(text) ?? text;
}

function addr(text: string | undefined): ArgValue {
  if (text === undefined) return null;
  if (text === 'NULL') return null;
  return num(text);
}

/** `3</dev/kvm>` -> args[key] and its -y decoration; returns the vCPU index of a `kvm-vcpu:N` fd. */
export function putFd(args: Args, text: string | undefined, key = 'fd'): number | undefined {
  if (text === undefined) return undefined;
  const m = FD.exec(text);
  if (!m) {
    args[key] = text;
    return undefined;
  }
  args[key] = Number(m[1]);
  if (m[2] === undefined) return undefined;
  args[key === 'fd' ? 'fdPath' : `${key}Path`] = m[2];
  const v = VCPU.exec(m[2]);
  return v ? Number(v[1]) : undefined;
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  v: '\v',
  f: '\f',
  a: '\x07',
  b: '\b',
  '"': '"',
  '\\': '\\',
  "'": "'",
  '?': '?',
};

/** A C string as strace prints it, escapes undone; undefined when it is not one, or was cut short (`"abc"...`). */
export function cString(text: string): string | undefined {
  if (text.length < 2 || text.charCodeAt(0) !== 0x22 || text.charCodeAt(text.length - 1) !== 0x22) return undefined;
  let out = '';
  for (let i = 1; i < text.length - 1; i++) {
    const c = text[i]!;
    if (c === '"') return undefined;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = text[++i];
    if (e === undefined) return undefined;
    const simple = ESCAPES[e];
    if (simple !== undefined) out += simple;
    else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (/[0-7]/.test(e)) {
      const oct = /^[0-7]{1,3}/.exec(text.slice(i))![0];
      out += String.fromCharCode(parseInt(oct, 8));
      i += oct.length - 1;
    } else return undefined;
  }
  return out;
}

/** `["a", "b"]` -> ['a', 'b'], or undefined when strace abbreviated it. */
function stringArray(text: string): string[] | undefined {
  if (!text.startsWith('[') || !text.endsWith(']')) return undefined;
  const items = splitArgs(text.slice(1, -1)).map(cString);
  return items.every((s): s is string => s !== undefined) ? items : undefined;
}

/** `AT_FDCWD</cwd>` or `5</dir>` -> args.dirfd and args.dirfdPath. */
function putDirFd(args: Args, text: string): void {
  const cwd = /^AT_FDCWD(?:<(.*)>)?$/.exec(text);
  if (!cwd) putFd(args, text, 'dirfd');
  else {
    args.dirfd = 'AT_FDCWD';
    if (cwd[1] !== undefined) args.dirfdPath = cwd[1];
  }
}

type Decoder = (argv: string[]) => Args | undefined;

const DECODERS: Record<string, Decoder> = {
  mmap(argv) {
    if (argv.length !== 6) return undefined;
    const args: Args = { addr: addr(argv[0]), length: num(argv[1]!), prot: argv[2]!, flags: argv[3]! };
    putFd(args, argv[4]);
    args.offset = num(argv[5]!);
    return args;
  },
  munmap: (argv) => (argv.length === 2 ? { addr: addr(argv[0]), length: num(argv[1]!) } : undefined),
  mprotect: (argv) => (argv.length === 3 ? { addr: addr(argv[0]), length: num(argv[1]!), prot: argv[2]! } : undefined),
  madvise: (argv) => (argv.length === 3 ? { addr: addr(argv[0]), length: num(argv[1]!), advice: argv[2]! } : undefined),
  openat(argv) {
    const path = cString(argv[1] ?? '');
    if (argv.length < 3 || argv.length > 4 || path === undefined) return undefined;
    const args: Args = {};
    putDirFd(args, argv[0]!);
    Object.assign(args, { path, flags: argv[2]! }, argv[3] !== undefined ? { mode: num(argv[3]) } : {});
    return args;
  },
  open(argv) {
    const path = cString(argv[0] ?? '');
    if (argv.length < 2 || argv.length > 3 || path === undefined) return undefined;
    return { path, flags: argv[1]!, ...(argv[2] !== undefined ? { mode: num(argv[2]) } : {}) };
  },
  close: (argv) => (argv.length === 1 ? withFd(argv[0]!, {}) : undefined),
  dup: (argv) => (argv.length === 1 ? withFd(argv[0]!, {}) : undefined),
  // newfd carries -y's decoration when it was open: `dup2(3</dev/null>, 2<pipe:[181266]>)`.
  dup2: (argv) => (argv.length === 2 ? withFd(argv[0]!, newFd(argv[1]!)) : undefined),
  dup3: (argv) => (argv.length === 3 ? withFd(argv[0]!, { ...newFd(argv[1]!), flags: argv[2]! }) : undefined),
  fcntl: (argv) =>
    argv.length >= 2 ? withFd(argv[0]!, { cmd: argv[1]!, ...(argv[2] !== undefined ? { arg: num(argv[2]) } : {}) }) : undefined,
  eventfd2: (argv) => (argv.length === 2 ? { initval: num(argv[0]!), flags: argv[1]! } : undefined),
  eventfd: (argv) => (argv.length === 1 ? { initval: num(argv[0]!) } : undefined),
  execve(argv) {
    const path = cString(argv[0] ?? '');
    if (argv.length !== 3 || path === undefined) return undefined;
    const list = stringArray(argv[1]!);
    // `0x7fff866030c8 /* 39 vars */`: where the environment is, and how many variables it holds.
    const env = /^(0x[0-9a-f]+) \/\* (\d+) vars? \*\/$/.exec(argv[2]!);
    return { path, argv: list ?? argv[1]!, ...(env ? { envp: env[1]!, envc: Number(env[2]) } : { envp: argv[2]! }) };
  },
};
DECODERS.mmap2 = DECODERS.mmap!;

function newFd(text: string): Args {
  const args: Args = {};
  putFd(args, text, 'newfd');
  return args;
}

function withFd(fdText: string, rest: Args): Args {
  const args: Args = {};
  putFd(args, fdText);
  return Object.assign(args, rest);
}

export function decodeSyscall(name: string, argv: string[], argsText: string): Args {
  return DECODERS[name]?.(argv) ?? { raw: argsText };
}
