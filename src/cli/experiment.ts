import type { CommandModule } from 'yargs';
import { UserError } from '../util/errors.ts';
import { type CommonArgs, withCommonOptions } from './common.ts';

export const experimentCommand: CommandModule<object, CommonArgs> = {
  command: 'experiment',
  describe: "reproduce the paper's figures (baseline, constellations, unseen)",
  builder: (y) => withCommonOptions(y),
  handler: () => {
    throw new UserError('"simgen experiment" is not built yet (see the open issues)');
  },
};
