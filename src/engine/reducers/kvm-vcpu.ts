import type { Vcpu } from '../../model/state.js';
import { newRunstate } from '../../model/state.js';
import { newFd } from '../lookup.js';
import { withProcess, withVm } from '../update.js';
import { onFd } from './ioctl-target.js';

// KVM_CREATE_VCPU on a VM fd.

export const createVcpu = onFd<'ioctl:KVM_CREATE_VCPU'>(['vm'], (state, event, ctx, { process, vm }) => {
  const id = event.args.id;
  // kvm_vm_ioctl_create_vcpu(): a second vCPU with the same id is -EEXIST.
  if (vm!.vcpus.some((v) => v.id === id)) {
    ctx.effects.push({ kind: 'result', errno: 'EEXIST' });
    return state;
  }
  const fd = newFd(process, event.result?.ret);
  const vcpu: Vcpu = {
    id,
    fd,
    ...(event.tid !== undefined ? { tid: event.tid } : {}),
    runstate: newRunstate('offline', event.ts ?? null),
    inGuest: false,
    exitCounts: {},
    hwExitCounts: {},
  };
  ctx.effects.push({ kind: 'result', newFd: 'vcpu' });
  const next = withProcess(state, { ...process, fds: { ...process.fds, [fd]: { type: 'vcpu', vm: vm!.id, vcpu: id } } });
  return withVm(next, { ...vm!, vcpus: [...vm!.vcpus, vcpu] });
});
