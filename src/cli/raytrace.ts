import type { CommandModule } from 'yargs';
import { UserError } from '../util/errors.ts';
import { type CommonArgs, withCommonOptions } from './common.ts';

export const raytraceCommand: CommandModule<object, CommonArgs> = {
  command: 'raytrace',
  describe: 'ray-trace every trajectory sample to every site -> links.arrow',
  builder: (y) => withCommonOptions(y),
  handler: () => {
    throw new UserError('"simgen raytrace" is not built yet (see the open issues)');
  },
};
