import type { EventOf } from '../../../model/event.js';
import type { MachineState } from '../../../model/state.js';
import type { ReduceContext } from '../../context.js';
import { vcpuForTraceEvent } from '../../reducers/vcpu-thread.js';
import { withVm } from '../../update.js';
import { guestType, VMASST_TYPE_runstate_update_flag } from './abi.js';
import type { RunstateParams } from './params.js';

// HYPERVISOR_vm_assist: vm_assist() in xen/common/domain.c (4.8): `if ( type >= BITS_PER_LONG ||
// !test_bit(type, &valid) ) return -EINVAL;`. Which types are valid, and whether the guest can call it
// at all, depends on the release and the guest: Arm's hypercall table has vm_assist from 4.8
// (72c538cca957) with only VMASST_TYPE_runstate_update_flag; x86 HVM guests from 4.14 (f13404d57f,
// HVM_VM_ASSIST_MASK = that type only); x86 PV guests always, the update flag from 4.8 (2529c850ea).

type Verdict = { ret: 0 } | { errno: 'EINVAL' | 'ENOSYS'; why: string } | { unmodelled: string };

function verdict(params: RunstateParams, state: MachineState, type: number): Verdict {
  const guest = guestType(state);
  const isFlag = type === VMASST_TYPE_runstate_update_flag;
  if (guest === 'arm' || guest === 'hvm') {
    const callable = guest === 'arm' ? params.updateFlag : params.hvmVmAssist;
    if (!callable) return { errno: 'ENOSYS', why: `${guest === 'arm' ? 'Arm' : 'HVM'} guests have no vm_assist hypercall in this release` };
    return isFlag
      ? { ret: 0 }
      : {
          errno: 'EINVAL',
          why: `type ${type} is not in the ${guest === 'arm' ? 'Arm' : 'HVM'} vm_assist mask (only runstate_update_flag)`,
        };
  }
  if (guest === undefined)
    return { unmodelled: 'which vm_assist types an x86 guest may enable depends on PV or HVM (host fact xen_guest)' };
  if (isFlag && !params.updateFlag) return { errno: 'EINVAL', why: 'VMASST_TYPE_runstate_update_flag came with Xen 4.8' };
  if (!isFlag) return { unmodelled: `PV vm_assist type ${type} is not modelled` };
  return { ret: 0 };
}

export function vmAssist(
  params: RunstateParams,
  state: MachineState,
  event: EventOf<'hypercall:vm_assist'>,
  ctx: ReduceContext,
): MachineState {
  const { state: next, ref } = vcpuForTraceEvent(state, event);
  const type = event.args.type;
  const answer = verdict(params, next, type);
  if ('unmodelled' in answer) {
    ctx.effects.push({ kind: 'unmodelled', reason: answer.unmodelled });
    return next;
  }
  if ('errno' in answer) {
    ctx.effects.push({ kind: 'result', errno: answer.errno }, { kind: 'log', message: `vm_assist(${type}): ${answer.why}` });
    return next;
  }
  const now = new Set(ref.vm.vmAssist ?? []);
  if (event.args.cmd !== 'disable') now.add(type);
  else now.delete(type);
  ctx.effects.push({ kind: 'result', ret: 0 });
  return withVm(next, { ...ref.vm, vmAssist: [...now].sort((a, b) => a - b) });
}
