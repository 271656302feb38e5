/** How Xen finds a vCPU's runstate area in guest memory and updates it (seed 002_93d8918ed274a0fd.txt), release by release. */
export interface RunstateParams {
  /** When a virtual-address area is translated: at every update, or once at registration (the 2020 Arm patch). */
  translateAt: 'switch' | 'register';
  /** VCPUOP_register_runstate_phys_area (14) exists: Xen 4.18+, x86 only (Arm's do_vcpu_op() never forwards it). */
  physArea: boolean;
  /**
   * A 64-bit PV vCPU descheduled in user mode gets its area written when it next enters kernel mode
   * (need_update_runstate_area, retried by toggle_guest_mode(); 231d7f4098, Xen 4.4).
   */
  pvUserModeRetry: boolean;
  /** VMASST_TYPE_runstate_update_flag is a valid vm_assist type, and updates use XEN_RUNSTATE_UPDATE (2529c850ea, Xen 4.8). */
  updateFlag: boolean;
  /** x86 HVM guests may call vm_assist at all (f13404d57f, Xen 4.14); before, their hypercall table has no entry: -ENOSYS. */
  hvmVmAssist: boolean;
}
