import type { CommandModule } from 'yargs';
import { UserError } from '../util/errors.ts';
import { type CommonArgs, withCommonOptions } from './common.ts';

export const predictCommand: CommandModule<object, CommonArgs> = {
  command: 'predict',
  describe: 'predict positions with a trained model',
  builder: (y) => withCommonOptions(y),
  handler: () => {
    throw new UserError('"simgen predict" is not built yet (see the open issues)');
  },
};
