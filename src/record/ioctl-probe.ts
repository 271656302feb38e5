import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { functionFileOffset } from './elf-symbol.js';

// strace 6.1 prints most KVM ioctl structs as a bare address (`KVM_IOEVENTFD, 0x7ffd91c5d5c0`), so a
// replay cannot know what the VMM asked for. A uprobe on libc's ioctl() (Documentation/trace/
// uprobetracer.rst) records, as the call is made, its fd, request and argument, and the first 64
// bytes the argument points to, which hold the input fields of the structs hvreplay reads
// (importers/merge/ioctl-args.ts puts them on strace's call). x86-64 only: the fetch arguments name
// the registers of its calling convention (rdi, rsi, rdx). The probe is defined in the global
// uprobe_events, enabled only in record's own instance, and filtered there to KVM's ioctls (type
// byte 0xAE, include/uapi/linux/kvm.h KVMIO), then removed with the instance.

export const IOCTL_PROBE_EVENT = 'libc_ioctl';
/** How many bytes of the argument are read: 8 words, `mem={0x..,...}` in the trace. */
export const IOCTL_PROBE_WORDS = 8;

export interface IoctlProbe {
  /** The group/event in tracefs' events/ directory. */
  event: string;
  /** Where it is placed: the library and the function's file offset. */
  place: string;
  remove(): void;
}

/** The libc this process runs on, the one a VMM started from here links to in the usual case. */
function ownLibc(): string | undefined {
  const maps = readFileSync('/proc/self/maps', 'utf8');
  return /\s(\/\S*\/libc(?:\.so\.6|-[\d.]+\.so))$/m.exec(maps)?.[1];
}

/** Defines the probe and enables it in `instanceDir`; a machine where it cannot be placed gets the reason instead. */
export function addIoctlProbe(tracefs: string, instanceDir: string, group: string): IoctlProbe | string {
  if (process.arch !== 'x64') return `the ioctl argument probe is x86-64 only (this is ${process.arch})`;
  if (!existsSync(`${tracefs}/uprobe_events`)) return 'this kernel has no uprobe events (CONFIG_UPROBE_EVENTS)';
  const libc = ownLibc();
  if (!libc) return 'no libc is mapped in this process';
  const offset = functionFileOffset(libc, 'ioctl');
  if (typeof offset === 'string') return offset;
  const event = `${group}/${IOCTL_PROBE_EVENT}`;
  const place = `${libc}:0x${offset.toString(16)}`;
  const fetch = `fd=%di:s32 request=%si:x32 type=%si:b8@8/32 arg=%dx:x64 mem=+0(%dx):x64[${IOCTL_PROBE_WORDS}]`;
  try {
    appendFileSync(`${tracefs}/uprobe_events`, `p:${event} ${place} ${fetch}\n`);
  } catch (error) {
    return `the kernel refused a uprobe on ${place} (${(error as NodeJS.ErrnoException).code ?? error})`;
  }
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    appendFileSync(`${tracefs}/uprobe_events`, `-:${event}\n`);
  };
  try {
    writeFileSync(`${instanceDir}/events/${event}/filter`, 'type == 0xae');
    writeFileSync(`${instanceDir}/events/${event}/enable`, '1');
  } catch (error) {
    remove();
    throw error;
  }
  return { event, place, remove };
}
