import type { ReplayStep } from '../../engine/replay.js';
import { runstateTimesAt } from '../../engine/runstate.js';
import type { MachineState } from '../../model/state.js';
import { MEMSLOT_FLAG_NAMES } from '../../model/kvm-abi.js';
import { eventLine, sourceRef } from './event-line.js';
import { table } from './output.js';

// The state as a person reads it: the VMs with their memslots and vCPUs first, then the host.

function flagNames(flags: number): string {
  const names = Object.entries(MEMSLOT_FLAG_NAMES)
    .filter(([, bit]) => flags & bit)
    .map(([n]) => n.replace('KVM_MEM_', ''));
  return names.join('|') || '-';
}

function seconds(value: number): string {
  return value.toFixed(6);
}

export function renderValue(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value, null, 2) : String(value);
}

export function memslotTable(state: MachineState): string {
  const rows = state.vms.flatMap((vm) =>
    vm.memslots.map((m) => [vm.id, m.slot, m.guestPhysAddr, '0x' + m.memorySize.toString(16), m.userspaceAddr, flagNames(m.flags)]),
  );
  return table(['VM', 'SLOT', 'GPA', 'SIZE', 'HVA', 'FLAGS'], rows);
}

export function vcpuTable(state: MachineState): string {
  const rows = state.vms.flatMap((vm) =>
    vm.vcpus.map((v) => [
      vm.id,
      v.id,
      v.tid ?? '-',
      v.runstate.state,
      runstateTimesAt(v.runstate, state.now).map(seconds).join('/'),
      v.lastExit ?? '-',
      Object.entries(v.exitCounts)
        .map(([k, n]) => `${k.replace('KVM_EXIT_', '')}:${n}`)
        .join(' ') || '-',
      v.guestMode ?? '-',
    ]),
  );
  return table(['VM', 'VCPU', 'TID', 'RUNSTATE', 'TIME run/runnable/blocked/offline', 'LAST EXIT', 'EXITS', 'MODE'], rows);
}

export function vmTable(state: MachineState): string {
  return table(
    ['VM', 'PID', 'FD', 'TYPE', 'ARCH', 'STATUS', 'SLOTS', 'VCPUS'],
    state.vms.map((vm) => [
      vm.id,
      vm.pid,
      vm.fd ?? '-',
      vm.type,
      vm.arch,
      vm.status + (vm.crash ? ` at @${vm.crash.seq}: ${vm.crash.reason}` : ''),
      vm.memslots.length,
      vm.vcpus.length,
    ]),
  );
}

export function renderState(state: unknown, path: string, step?: ReplayStep): string {
  if (path) return `${path} = ${renderValue(state)}`;
  const s = state as MachineState;
  const lines: string[] = [];
  if (step) {
    lines.push(`@${step.event.seq}  ${eventLine(step.event, { seq: false })}`, `  source: ${sourceRef(step.event)}`);
    for (const e of step.effects) lines.push(`  effect: ${JSON.stringify(e)}`);
    lines.push('');
  }
  lines.push(`VMs (${s.vms.length})`, s.vms.length ? vmTable(s) : '  none');
  if (s.vms.some((vm) => vm.memslots.length)) lines.push('', 'Memslots', memslotTable(s));
  if (s.vms.some((vm) => vm.vcpus.length)) lines.push('', 'vCPUs', vcpuTable(s));
  const processes = Object.values(s.host.processes);
  lines.push('', `Host (${s.host.arch})`);
  for (const p of processes) {
    const fds = Object.entries(p.fds).map(
      ([fd, t]) =>
        `${fd}=${t.type === 'file' ? t.path : t.type === 'vm' ? `vm${t.vm}` : t.type === 'vcpu' ? `vm${t.vm}/vcpu${t.vcpu}` : '/dev/kvm'}`,
    );
    lines.push(
      `  pid ${p.pid}${p.comm ? ` (${p.comm})` : ''}: ${p.vmas.length} mappings, fds ${fds.join(' ') || '-'}${p.pgste ? ', pgste' : ''}${p.exited ? ', exited' : ''}`,
    );
  }
  const cpus = Object.entries(s.host.cpus);
  if (cpus.length) lines.push('  cpus: ' + cpus.map(([cpu, c]) => `${cpu}=${c.comm}/${c.tid}`).join(' '));
  return lines.join('\n');
}
