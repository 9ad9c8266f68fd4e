import type { CommandModule } from 'yargs';
import { UserError } from '../util/errors.ts';
import { type CommonArgs, withCommonOptions } from './common.ts';

export const exportCommand: CommandModule<object, CommonArgs> = {
  command: 'export',
  describe: 'constellations, 56-feature samples, splits -> dataset.arrow',
  builder: (y) => withCommonOptions(y),
  handler: () => {
    throw new UserError('"simgen export" is not built yet (see the open issues)');
  },
};
