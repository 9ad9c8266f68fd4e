import { serveTasks } from '../util/process-pool.ts';
import { type ModelTrainProgress, type ModelTrainRequest, type TrainedModel, trainOneModel } from './run.ts';

// Worker process entry for `simgen train` (src/util/process-pool.ts): trains the models it is sent,
// one at a time. Sample counts go back at most every 200 ms (a progress bar needs no more).

serveTasks<ModelTrainRequest, ModelTrainProgress, TrainedModel>((req, progress) => {
  let last = 0;
  return trainOneModel(req, (p) => {
    if (p.type === 'samples' && p.processed < p.total && Date.now() - last < 200) return;
    last = Date.now();
    progress(p);
  });
});
