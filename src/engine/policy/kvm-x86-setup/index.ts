import { defineArea } from '../define.js';
import { SETUP_EVENTS, SETUP_HOST_FACTS } from './events.js';
import { enableExceptionPayload, enableMaxVcpuId, enableTripleFaultEvent } from './enable-caps.js';
import {
  getDeviceAttr,
  getFeatureMsrs,
  getMsrFeatureIndexList,
  getMsrIndexList,
  getSupportedCpuid,
  hasDeviceAttr,
} from './system-rules.js';
import { copiesOut, getTscKhz, setCpuid2, setTscKhz, setupMce } from './vcpu-rules.js';
import { getClock, getMceCapSupported, setBootCpuId, setIdentityMapAddr, setTssAddr } from './vm-rules.js';

// kvm-x86-setup: the VM and vCPU ioctls a VMM issues before and between runs, and what must come
// before what (the vCPU count, the memslots, the host's TSC rate); what /dev/kvm says of the host
// (its MSR and CPUID lists, device attributes); the capabilities that set a VM flag or limit. The
// irqchip's are kvm-x86-iobus's.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- areas take a parameter object; this one has none yet
export interface SetupParams {}

export const kvmX86SetupArea = defineArea<SetupParams>({
  area: 'kvm-x86-setup',
  summary: 'x86 VM and vCPU setup ioctls: what each needs and what must come before it, with their errnos',
  arches: ['x86_64'],
  events: SETUP_EVENTS,
  hostFacts: SETUP_HOST_FACTS,
  behaviour: () => ({
    reducers: {
      'ioctl:KVM_SET_TSS_ADDR': setTssAddr,
      'ioctl:KVM_SET_IDENTITY_MAP_ADDR': setIdentityMapAddr,
      'ioctl:KVM_SET_BOOT_CPU_ID': setBootCpuId,
      'ioctl:KVM_GET_CLOCK': getClock,
      'ioctl:KVM_X86_GET_MCE_CAP_SUPPORTED': getMceCapSupported,
      'ioctl:KVM_GET_REGS': copiesOut<'ioctl:KVM_GET_REGS'>(),
      'ioctl:KVM_SET_REGS': copiesOut<'ioctl:KVM_SET_REGS'>(),
      'ioctl:KVM_GET_SREGS': copiesOut<'ioctl:KVM_GET_SREGS'>(),
      'ioctl:KVM_GET_SREGS2': copiesOut<'ioctl:KVM_GET_SREGS2'>(),
      'ioctl:KVM_GET_FPU': copiesOut<'ioctl:KVM_GET_FPU'>(),
      'ioctl:KVM_GET_XSAVE2': copiesOut<'ioctl:KVM_GET_XSAVE2'>(),
      'ioctl:KVM_GET_XCRS': copiesOut<'ioctl:KVM_GET_XCRS'>(),
      'ioctl:KVM_GET_VCPU_EVENTS': copiesOut<'ioctl:KVM_GET_VCPU_EVENTS'>(),
      'ioctl:KVM_GET_DEBUGREGS': copiesOut<'ioctl:KVM_GET_DEBUGREGS'>(),
      'ioctl:KVM_GET_MP_STATE': copiesOut<'ioctl:KVM_GET_MP_STATE'>(),
      'ioctl:KVM_SET_CPUID2': setCpuid2,
      'ioctl:KVM_GET_TSC_KHZ': getTscKhz,
      'ioctl:KVM_SET_TSC_KHZ': setTscKhz,
      'ioctl:KVM_X86_SETUP_MCE': setupMce,
      'ioctl:KVM_GET_MSR_INDEX_LIST': getMsrIndexList,
      'ioctl:KVM_GET_MSR_FEATURE_INDEX_LIST': getMsrFeatureIndexList,
      'ioctl:KVM_GET_SUPPORTED_CPUID': getSupportedCpuid,
      'ioctl:KVM_GET_MSRS': getFeatureMsrs,
      'ioctl:KVM_GET_DEVICE_ATTR': getDeviceAttr,
      'ioctl:KVM_HAS_DEVICE_ATTR': hasDeviceAttr,
    },
    hooks: {
      enableCap: {
        KVM_CAP_EXCEPTION_PAYLOAD: enableExceptionPayload,
        KVM_CAP_X86_TRIPLE_FAULT_EVENT: enableTripleFaultEvent,
        KVM_CAP_MAX_VCPU_ID: enableMaxVcpuId,
      },
    },
  }),
  variants: [
    {
      variant: 'linux',
      isDefault: true,
      summary:
        'Upstream kvm_arch_vm_ioctl()/kvm_arch_vcpu_ioctl() as of 6.18: vCPU-count rules, the getters of a default VM, KVM_SET_TSC_KHZ',
      releases: { linux: { from: '6.18' } },
      sources: [
        {
          kind: 'source',
          ref: 'arch/x86/kvm/x86.c (6.18.2): kvm_arch_vm_ioctl(), kvm_arch_vcpu_ioctl(), kvm_vm_ioctl_set_tss_addr(), kvm_set_tsc_khz()',
        },
        {
          kind: 'source',
          ref: 'arch/x86/kvm/vmx/vmx.c vmx_set_tss_addr()/vmx_set_identity_map_addr(), arch/x86/include/asm/kvm-x86-ops.h (6.18.2)',
        },
        {
          kind: 'doc',
          ref: 'Documentation/virt/kvm/api.rst 4.40 KVM_SET_IDENTITY_MAP_ADDR, 4.41 KVM_SET_BOOT_CPU_ID, 4.55 KVM_SET_TSC_KHZ',
        },
      ],
      params: {},
    },
  ],
  releaseGaps: [{ system: 'linux', to: '6.17', why: 'only 6.18.2 was read (its vendor modules vmx/svm; the recorded host runs kvm_pvm)' }],
});

declare module '../define-policy.js' {
  interface AreaParamsMap {
    'kvm-x86-setup': SetupParams;
  }
}
