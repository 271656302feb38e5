/** How Xen finds a vCPU's runstate area in guest memory (seed 002_93d8918ed274a0fd.txt). */
export interface RunstateParams {
  /** When a virtual-address area is translated: at every update, or once at registration (the 2020 Arm patch). */
  translateAt: 'switch' | 'register';
  /** VCPUOP_register_runstate_phys_area (14) exists (Xen 4.18+). */
  physArea: boolean;
}
