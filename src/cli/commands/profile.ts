import { writeFileSync } from 'node:fs';
import { defineCommand } from '../define-command.js';
import { withTrace } from '../options.js';
import { emit } from '../present/output.js';

export const profileCommand = defineCommand({
  command: 'profile <trace>',
  describe:
    "A recording's host as another trace can use it (`conform --host FILE`): its KVM_CHECK_EXTENSION answers kept apart by what decides them (release, build, CPU, machine), its TSC rate, CONFIG_KVM_IOAPIC",
  builder: (y) =>
    withTrace(y).option('output', { alias: 'o', type: 'string', describe: 'write the profile to this file (default: print it)' }),
  handler: async (args) => {
    const { withStore, modeFor, openTrace } = await import('../session.js');
    const { defaultPolicies } = await import('../../engine/policy/registry.js');
    const { buildProfile } = await import('../../query/profile/build.js');
    const { profileText } = await import('../present/profile-text.js');
    const profile = withStore(args, modeFor(args.trace), (db) => buildProfile(db, openTrace(db, args.trace), defaultPolicies()));
    if (args.output !== undefined) {
      writeFileSync(args.output, JSON.stringify(profile, null, 2) + '\n');
      emit(args.json, { written: args.output, profile }, (d) => `${profileText(d.profile)}\nwritten to ${d.written}`);
    } else emit(true, profile, () => '');
  },
});
