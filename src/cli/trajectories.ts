import type { CommandModule } from 'yargs';
import { UserError } from '../util/errors.ts';
import { type CommonArgs, withCommonOptions } from './common.ts';

export const trajectoriesCommand: CommandModule<object, CommonArgs> = {
  command: 'trajectories',
  describe: 'drive vehicles on the street network -> trajectories.arrow + .svg',
  builder: (y) => withCommonOptions(y),
  handler: () => {
    throw new UserError('"simgen trajectories" is not built yet (see the open issues)');
  },
};
