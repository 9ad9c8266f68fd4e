import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../util/atomic.ts';
import { crashPoint } from '../util/crash-point.ts';
import { UserError } from '../util/errors.ts';
import { shownPath } from '../util/paths.ts';
import type { Scaler } from './data.ts';
import type { TrainableKind } from './models.ts';
import './models.ts'; // registers FastDense and PerSampleDense for deserialisation
import './site-set.ts'; // registers SiteSet's layers

// Models are saved in the standard tfjs layers format: <dir>/model.json (topology + weights manifest
// + userDefinedMetadata) and <dir>/weights.bin (float32, little-endian, in manifest order).
// Any tfjs program loads them with tf.loadLayersModel once FastDense and PerSampleDense are
// registered (import src/learn/models.ts). tfjs-node's file:// handler is not available here, so a
// small IOHandler writes both files (weights first: model.json names a finished file). A model is saved
// into a job's temporary folder, which is swapped in whole with its metrics (src/learn/jobs/store.ts).
// model.json records the SHA-256 of weights.bin (`weightsSha256`, a field tfjs ignores): a loader refuses
// weights of another save, the mix a half-replaced folder of an older simgen could hold.

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** What simgen records next to the topology so that a saved model can be used on raw features. */
export interface ModelInfo {
  /** A network's architecture, or a baseline (src/learn/knn.ts, geometric.ts: saved by baseline-io.ts). */
  kind: TrainableKind | 'knn' | 'geometric';
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
      const bytes = new Uint8Array(weights);
      writeFileAtomic(path.join(dir, WEIGHTS_FILE), bytes);
      crashPoint('model:weights-written');
      const saved: SavedModelJson = { ...modelJSON, weightsSha256: sha256(bytes) };
      writeFileAtomic(path.join(dir, MODEL_FILE), `${JSON.stringify(saved)}\n`);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: async () => {
      const file = path.join(dir, MODEL_FILE);
      if (!fs.existsSync(file)) throw new UserError(`--model-dir ${dir}: no ${MODEL_FILE} there (train one with "simgen train")`);
      const modelJSON = JSON.parse(fs.readFileSync(file, 'utf8')) as SavedModelJson;
      return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
        const specs = manifest.flatMap((g) => g.weights);
        const files = manifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(dir, p))));
        checkWeights(dir, modelJSON, specs, files);
        return [specs, tf.io.concatenateArrayBuffers(files.map((b) => new Uint8Array(b).buffer))];
      });
    },
  };
}

/** model.json as simgen writes it: tfjs's ModelJSON and the weights' checksum (absent before issue 25). */
interface SavedModelJson extends tf.io.ModelJSON {
  weightsSha256?: string;
}

const sha256 = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

/**
 * The weights are the ones model.json was saved with: their checksum, or for a model.json without one (an
 * older simgen) at least their length, the manifest's float32 count. UserError otherwise: a mix of two saves.
 */
function checkWeights(dir: string, json: SavedModelJson, specs: tf.io.WeightsManifestEntry[], files: Buffer[]): void {
  const mix = (why: string) => new UserError(`--model-dir ${shownPath(dir)}: ${WEIGHTS_FILE} is not the one ${MODEL_FILE} was saved with (${why}): a model folder replaced half-way; train it again`);
  if (json.weightsSha256 !== undefined) {
    const got = sha256(Buffer.concat(files));
    if (got !== json.weightsSha256) throw mix(`SHA-256 ${got.slice(0, 12)}, expected ${json.weightsSha256.slice(0, 12)}`);
    return;
  }
  const bytes = specs.reduce((s, w) => s + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  const got = files.reduce((s, b) => s + b.length, 0);
  if (got !== bytes) throw mix(`${got} bytes, the manifest needs ${bytes}`);
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
