// A synthetic tracefs `trace` file with the size and event mix of the real throughput trace
// (/work/shared/traces/qemu-seabios-big.ftrace.gz: QEMU running SeaBIOS for 2 s with every kvm event on,
// see its README), so `npm run bench` needs nothing outside the project.
//
// Measured on that file (2,648,734 events, 244,764,744 bytes unpacked, 92 bytes a line):
// - 99.71% kvm_emulate_insn, 98.2% of them "(prot32)", 0.8% "(real)", a few "(prot16)"; 2 to 12
//   fields a payload (mostly 3); only 8,273 distinct payloads, the 10 commonest make 82% of them,
//   the 100 commonest 92.6%, the 1,000 commonest 98.2% (SeaBIOS spins in a few loops);
// - the rest is the counts in MIX below, with payloads in the shapes the 6.18 kernel printed;
// - 99.95% of lines come from the vCPU thread `qemu-system-x86-9642` on CPU 0 with flags `.....`.
// The generator is deterministic (a seeded PRNG), so two runs write the same bytes.

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Events per name in the real file, besides kvm_emulate_insn (which fills the rest). */
const MIX: Record<string, number> = {
  kvm_fpu: 2448,
  kvm_pio: 1287,
  kvm_userspace_exit: 1224,
  sched_switch: 523,
  kvm_unmap_hva_range: 424,
  kvm_cpuid: 391,
  kvm_age_hva: 328,
  kvm_set_irq: 300,
  kvm_pic_set_irq: 292,
  kvm_ioapic_set_irq: 292,
  kvm_test_age_hva: 219,
  kvm_msr: 33,
  kvm_apic: 8,
  kvm_mmio: 7,
  kvm_write_tsc_offset: 3,
  kvm_update_master_clock: 3,
  kvm_track_tsc: 3,
  kvm_pvclock_update: 2,
  kvm_apic_ipi: 2,
  kvm_eoi: 1,
  kvm_apicv_inhibit_changed: 1,
  kvm_ack_irq: 1,
};

export const REAL_EVENTS = 2_648_734;

const HEADER = `# tracer: nop
#
# entries-in-buffer/entries-written: N/N   #P:2
#
#                                _-----=> irqs-off/BH-disabled
#                               / _----=> need-resched
#                              | / _---=> hardirq/softirq
#                              || / _--=> preempt-depth
#                              ||| / _-=> migrate-disable
#                              |||| /     delay
#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
#              | |         |   |||||     |         |
`;

/** mulberry32: small, fast, and good enough to spread synthetic values. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (n: number, width = 0) => Math.floor(n).toString(16).padStart(width, '0');

export interface GeneratedTrace {
  path: string;
  events: number;
  bytes: number;
}

/** Writes the trace to `path`; `events` scales the mix (the default is the real file's count). */
export async function generateTrace(path: string, events = REAL_EVENTS, seed = 2026): Promise<GeneratedTrace> {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

  // The instruction pool: distinct "csbase:rip:bytes (mode)" payloads, commonest first.
  const pool: string[] = [];
  for (let i = 0; i < 8273; i++) {
    const r = rand();
    const mode = r < 0.982 ? 'prot32' : r < 0.99 ? 'real' : 'prot16';
    const cs = mode === 'prot32' ? '0' : 'f0000';
    const rip = mode === 'prot32' ? 0xe0000 + Math.floor(rand() * 0x20000) : Math.floor(rand() * 0x10000);
    const nBytes = [2, 2, 3, 3, 3, 3, 3, 3, 3, 4, 4, 5, 6, 7, 8][Math.floor(rand() * 15)]!;
    const bytes = Array.from({ length: nBytes }, () => hex(rand() * 256, 2)).join(' ');
    pool.push(`${cs}:${hex(rip)}:${bytes} (${mode})`);
  }
  // Rank by the measured cumulative shares: 82% in the top 10, 92.6% top 100, 98.2% top 1000.
  const insn = (): string => {
    const r = rand();
    const rank = r < 0.82 ? rand() * 10 : r < 0.926 ? 10 + rand() * 90 : r < 0.982 ? 100 + rand() * 900 : 1000 + rand() * 7273;
    return pool[Math.floor(rank)]!;
  };

  const scale = events / REAL_EVENTS;
  const others: string[] = [];
  for (const [name, n] of Object.entries(MIX)) for (let i = 0; i < Math.max(1, Math.round(n * scale)); i++) others.push(name);
  // Spread the other events evenly: one every `stride` lines on average.
  const otherEvery = events / Math.max(1, others.length);

  const addr = () => '0x' + hex(0x7f0000000000 + rand() * 0xffffffffff, 14);
  const payload = (name: string): { task: string; flags: string; cpu: number; text: string } => {
    const vcpu = { task: 'qemu-system-x86-9642', flags: '.....', cpu: 0 };
    switch (name) {
      case 'kvm_fpu':
        return { ...vcpu, text: pick(['load', 'unload']) };
      case 'kvm_pio': {
        const port = pick([0x70, 0x71, 0x80, 0x92, 0x402, 0x510, 0x511, 0xcf8, 0xcfc]);
        return {
          ...vcpu,
          text: `pio_${pick(['read', 'write'])} at 0x${hex(port)} size ${pick([1, 2, 4])} count 1 val 0x${hex(rand() * 256)} `,
        };
      }
      case 'kvm_userspace_exit':
        return { ...vcpu, text: rand() < 0.9 ? 'reason KVM_EXIT_IO (2)' : pick(['reason restart (4)', 'reason KVM_EXIT_MMIO (6)']) };
      case 'sched_switch': {
        const [pc, pp] = pick([
          ['qemu-system-x86', 9642],
          ['kworker/0:0', 9],
          ['kdamond.0', 77],
          ['rcu_preempt', 15],
        ] as const);
        const [nc, np] = pick([
          ['swapper/0', 0],
          ['qemu-system-x86', 9642],
          ['kvm-pit/9640', 9643],
        ] as const);
        return {
          task: `${pc}-${pp}`,
          flags: 'd..2.',
          cpu: pick([0, 1]),
          text: `prev_comm=${pc} prev_pid=${pp} prev_prio=120 prev_state=${pick(['S', 'R', 'D', 'I', 'R+'])} ==> next_comm=${nc} next_pid=${np} next_prio=120`,
        };
      }
      case 'kvm_unmap_hva_range': {
        const a = addr();
        return {
          task: 'qemu-system-x86-9640',
          flags: '.....',
          cpu: 1,
          text: `mmu notifier unmap range: ${a} -- ${a.slice(0, -7)}${hex(rand() * 0xfffffff, 7)}`,
        };
      }
      case 'kvm_cpuid':
        return {
          ...vcpu,
          text: `func ${hex(rand() * 0x40000100)} idx ${hex(rand() * 16)} rax ${hex(rand() * 2 ** 32)} rbx ${hex(rand() * 2 ** 32)} rcx ${hex(rand() * 2 ** 32)} rdx ${hex(rand() * 256)}, cpuid entry ${pick(['found', 'not found'])}`,
        };
      case 'kvm_age_hva': {
        const a = addr();
        return { task: 'kdamond.0-77', flags: '...1.', cpu: 1, text: `mmu notifier age hva: ${a} -- ${a}` };
      }
      case 'kvm_test_age_hva':
        return { task: 'kdamond.0-77', flags: '...1.', cpu: 1, text: `mmu notifier test age hva: ${addr()}` };
      case 'kvm_set_irq':
        return { task: 'qemu-system-x86-9640', flags: '.....', cpu: 1, text: `gsi ${pick([0, 8, 12])} level ${pick([0, 1])} source 0` };
      case 'kvm_pic_set_irq':
        return { task: 'qemu-system-x86-9640', flags: '...1.', cpu: 1, text: `chip 0 pin ${pick([0, 8])} (edge)` };
      case 'kvm_ioapic_set_irq':
        return { task: 'qemu-system-x86-9640', flags: '...1.', cpu: 1, text: `pin 2 dst 0 vec 0 (Fixed|physical|edge|masked)` };
      case 'kvm_msr':
        return { ...vcpu, text: `msr_${pick(['read', 'write'])} ${pick(['4b564d01', 'fe', '1b', '3a'])} = 0x${hex(rand() * 2 ** 24)}` };
      case 'kvm_apic':
        return { ...vcpu, text: `apic_${pick(['read', 'write'])} APIC_SPIV = 0x${hex(rand() * 512)}` };
      case 'kvm_mmio':
        return { ...vcpu, text: `mmio ${pick(['read', 'write'])} len 4 gpa 0xfee000f0 val 0x${hex(rand() * 512)}` };
      case 'kvm_write_tsc_offset':
        return { ...vcpu, flags: 'd..1.', text: 'vcpu=0 prev=0 next=18446743076810615764' };
      case 'kvm_update_master_clock':
        return {
          task: 'qemu-system-x86-9640',
          flags: 'd..1.',
          cpu: 1,
          text: `masterclock ${pick([0, 1])} hostclock tsc offsetmatched ${pick([0, 1])}`,
        };
      case 'kvm_track_tsc':
        return { ...vcpu, flags: 'd..1.', text: 'vcpu_id 0 masterclock 0 offsetmatched 0 nr_online 1 hostclock tsc' };
      case 'kvm_pvclock_update':
        return {
          ...vcpu,
          text: 'vcpu_id 0, pvclock { version 2, tsc_timestamp 0xe81edcf87d, system_time 0xa3ee3d, tsc_to_system_mul 0xc5374cfe, tsc_shift -1, flags 0x1 }',
        };
      case 'kvm_apic_ipi':
        return { ...vcpu, text: `dst 0 vec ${pick([0, 16])} (${pick(['INIT', 'SIPI'])}|physical|assert|edge|all-but-self)` };
      case 'kvm_eoi':
        return { ...vcpu, text: 'apicid 0 vector -1' };
      case 'kvm_apicv_inhibit_changed':
        return { task: 'qemu-system-x86-9640', flags: '.....', cpu: 1, text: 'set reason=0, inhibits=0x1 DISABLED' };
      case 'kvm_ack_irq':
        return { ...vcpu, text: 'irqchip PIC master pin 0' };
      default:
        throw new Error(`no payload shape for ${name}`);
    }
  };

  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  let buf = '';
  const flush = async () => {
    bytes += Buffer.byteLength(buf);
    if (!out.write(buf)) await once(out, 'drain');
    buf = '';
  };
  buf += HEADER.replace('N/N', `${events}/${events}`);
  let us = 383_853_316; // microseconds, as the real file starts at 383.853316
  let nextOther = otherEvery / 2;
  let o = 0;
  for (let i = 0; i < events; i++) {
    if (rand() < 0.3) us++;
    let task = 'qemu-system-x86-9642';
    let flags = '.....';
    let cpu = 0;
    let name = 'kvm_emulate_insn';
    let text: string;
    if (i >= nextOther && o < others.length) {
      name = others[o++]!;
      nextOther += otherEvery;
      ({ task, flags, cpu, text } = payload(name));
    } else text = insn();
    const ts = `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
    buf += `${task.padStart(20)} [${String(cpu).padStart(3, '0')}] ${flags} ${ts.padStart(12)}: ${name}: ${text}\n`;
    if (buf.length > 1 << 20) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
  return { path, events, bytes };
}
