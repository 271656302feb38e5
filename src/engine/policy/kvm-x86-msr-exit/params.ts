/** Whether the kernel has KVM_CAP_X86_USER_SPACE_MSR and KVM_X86_SET_MSR_FILTER (5.10, 1ae099540e8c and 1a155254ff93). */
export interface MsrExitParams {
  userSpaceMsr: boolean;
}
