import type { CommandModule } from 'yargs';
import { UserError } from '../util/errors.ts';
import { type CommonArgs, withCommonOptions } from './common.ts';

export const sceneCommand: CommandModule<object, CommonArgs> = {
  command: 'scene',
  describe: 'build the 3D scene from the map; print a summary; --out exports .glb and Mitsuba XML',
  builder: (y) => withCommonOptions(y),
  handler: () => {
    throw new UserError('"simgen scene" is not built yet (see the open issues)');
  },
};
