/** The I/O bus has no release-dependent parameter yet: its one variant is Linux from 3.18 (linux.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- areas take a parameter object; this one has none yet
export interface IoBusParams {}
