import { experimentCommand } from './experiment.ts';
import { exportCommand } from './export.ts';
import { predictCommand } from './predict.ts';
import { raytraceCommand } from './raytrace.ts';
import { sceneCommand } from './scene.ts';
import { trainCommand } from './train.ts';
import { trajectoriesCommand } from './trajectories.ts';

/** Every simgen command, in pipeline order. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: any[] = [sceneCommand, trajectoriesCommand, raytraceCommand, exportCommand, trainCommand, predictCommand, experimentCommand];
