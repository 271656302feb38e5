// Each policy area registers the args of its own scenario events.
import './kvm-readonly.js';
import './mips-vmtype.js';
import './s390-pgste.js';
import './xen-runstate.js';
