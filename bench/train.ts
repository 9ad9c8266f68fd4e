import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/learn/backend.ts';
import type { SampleSet, Scaler } from '../src/learn/data.ts';
import { MODEL_KINDS, type ModelKind, PerSampleDense, trainableParams } from '../src/learn/models.ts';
import { trainModel } from '../src/learn/train.ts';
import { rngFor } from '../src/util/rng.ts';

// Training speed per model: samples/s over whole epochs on a synthetic set of the default dataset's
// size (22775 x 56; speed does not depend on the values). Usage:
//   npx tsx bench/train.ts [--batch 256] [--epochs 2] [--models hyploc,single,single-plus] [--reference]
// --reference also times the same architectures built from tfjs's stock Dense layer (autograd
// MatMul gradient with transpose flags), i.e. the speed-up of src/learn/fast-dense.ts.

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const batch = Number(arg('batch', '256'));
const epochs = Number(arg('epochs', '2'));
const kinds = arg('models', MODEL_KINDS.join(',')).split(',') as ModelKind[];
const reference = process.argv.includes('--reference');

await initBackend();
const n = 22775;
const width = 56;
const rng = rngFor(1, 'bench/train');
const set: SampleSet = {
  n,
  width,
  features: Float32Array.from({ length: n * width }, () => rng() * 2 - 1),
  positions: Float32Array.from({ length: n * 2 }, () => rng() * 400),
  rows: new Int32Array(n),
};
const scaler: Scaler = { featureMean: new Array(width).fill(0), featureStd: new Array(width).fill(1), labelMean: [200, 200], labelScale: 100 };

/** The same layer sizes from tfjs's stock Dense layer (HypLoc: its dense parts; the main layer stays ours). */
function stockModel(kind: ModelKind): tf.LayersModel {
  const input = tf.input({ shape: [width] });
  let out: tf.SymbolicTensor;
  const d = (units: number, activation: 'gelu' | 'sigmoid' | 'linear', x: tf.SymbolicTensor) => tf.layers.dense({ units, activation }).apply(x) as tf.SymbolicTensor;
  if (kind === 'hyploc') {
    const p = d(width * 32 + 32, 'sigmoid', d(128, 'gelu', d(64, 'gelu', input)));
    out = d(32, 'gelu', d(32, 'gelu', new PerSampleDense({ units: 32, activation: 'gelu' }).apply([input, p]) as tf.SymbolicTensor));
  } else {
    const w = kind === 'single' ? 32 : 340;
    out = d(w, 'gelu', d(w, 'gelu', d(w, 'gelu', input)));
  }
  return tf.model({ inputs: input, outputs: d(2, 'linear', out) });
}

console.log(`training samples/s, batch ${batch}, ${epochs} epoch(s) of ${n} samples, tfjs ${tf.version.tfjs} backend ${tf.getBackend()}`);
for (const kind of kinds) {
  const variants: Array<[string, tf.LayersModel | undefined]> = [['fast-dense', undefined]];
  if (reference) variants.push(['stock Dense', stockModel(kind)]);
  for (const [label, model] of variants) {
    const r = await trainModel({ kind, train: set, scaler, epochs, batchSize: batch, seed: 1, model });
    console.log(`${kind.padEnd(12)} ${label.padEnd(12)} ${String(trainableParams(r.model)).padStart(7)} params  ${r.samplesPerSecond.toFixed(0).padStart(6)} samples/s  (${r.seconds.toFixed(1)} s)`);
    r.model.dispose();
  }
}
