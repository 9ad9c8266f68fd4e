import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../util/atomic.ts';
import { UserError } from '../util/errors.ts';
import type { Scaler } from './data.ts';
import type { TrainableKind } from './models.ts';
import './models.ts'; // registers FastDense and PerSampleDense for deserialisation
import './site-set.ts'; // registers SiteSet's layers

// Models are saved in the standard tfjs layers format: <dir>/model.json (topology + weights manifest
// + userDefinedMetadata) and <dir>/weights.bin (float32, little-endian, in manifest order).
// Any tfjs program loads them with tf.loadLayersModel once FastDense and PerSampleDense are
// registered (import src/learn/models.ts). tfjs-node's file:// handler is not available here, so a
// small IOHandler writes both files atomically (weights first: model.json names a finished file).

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** What simgen records next to the topology so that a saved model can be used on raw features. */
export interface ModelInfo {
  kind: TrainableKind;
  /** Known constellation ids the model was trained on. */
  constellations: number[];
  featureLayout: string[];
  scaler: Scaler;
  scenario: string;
  scenarioHash: string;
  seed: number;
  /** input_key of the dataset.arrow it was trained on. */
  datasetInputKey: string;
}

function dirHandler(dir: string): tf.io.IOHandler {
  return {
    save: async (artifacts) => {
      const weights = new tf.io.CompositeArrayBuffer(artifacts.weightData).slice();
      const modelJSON: tf.io.ModelJSON = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology!,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs! }],
        userDefinedMetadata: artifacts.userDefinedMetadata,
      };
      writeFileAtomic(path.join(dir, WEIGHTS_FILE), new Uint8Array(weights));
      writeFileAtomic(path.join(dir, MODEL_FILE), `${JSON.stringify(modelJSON)}\n`);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: async () => {
      const file = path.join(dir, MODEL_FILE);
      if (!fs.existsSync(file)) throw new UserError(`--model-dir ${dir}: no ${MODEL_FILE} there (train one with "simgen train")`);
      const modelJSON = JSON.parse(fs.readFileSync(file, 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
        const specs = manifest.flatMap((g) => g.weights);
        const buffers = manifest.flatMap((g) => g.paths.map((p) => new Uint8Array(fs.readFileSync(path.join(dir, p))).buffer));
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

/** Save a model and its ModelInfo under `dir`. */
export async function saveModel(model: tf.LayersModel, info: ModelInfo, dir: string): Promise<void> {
  model.setUserDefinedMetadata({ simgen: info });
  await model.save(dirHandler(dir));
}

/** Load a model saved by saveModel (the wasm backend must be initialised first). */
export async function loadModel(dir: string): Promise<{ model: tf.LayersModel; info: ModelInfo }> {
  const model = await tf.loadLayersModel(dirHandler(dir));
  const info = (model.getUserDefinedMetadata() as { simgen?: ModelInfo } | undefined)?.simgen;
  if (!info) throw new UserError(`--model-dir ${dir}: ${MODEL_FILE} has no simgen metadata (not saved by simgen train)`);
  return { model, info };
}
