import type { CommandModule } from 'yargs';
import { UserError } from '../util/errors.ts';
import { type CommonArgs, withCommonOptions } from './common.ts';

export const trainCommand: CommandModule<object, CommonArgs> = {
  command: 'train',
  describe: 'train HypLoc and its baselines on dataset.arrow (runs missing stages first)',
  builder: (y) => withCommonOptions(y),
  handler: () => {
    throw new UserError('"simgen train" is not built yet (see the open issues)');
  },
};
