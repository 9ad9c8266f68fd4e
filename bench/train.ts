import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/learn/backend.ts';
import type { SampleSet, Scaler } from '../src/learn/data.ts';
import { KERNEL_SETS, type KernelSet, useKernels } from '../src/learn/kernels/index.ts';
import { MODEL_KINDS, type ModelKind, trainableParams } from '../src/learn/models.ts';
import { trainModel } from '../src/learn/train.ts';
import { rngFor } from '../src/util/rng.ts';

// Training speed per model: samples/s over whole epochs on a synthetic set of the default dataset's
// size (22775 x 56; speed does not depend on the values), at each batch size, on tfjs-wasm's stock
// kernels (tf.train.adam, explicit-transpose gradients) and on simgen's (src/learn/kernels). Usage:
//   npx tsx bench/train.ts [--batches 32,256] [--epochs 1] [--models hyploc,single,single-plus] [--kernels simgen,stock]

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const batches = arg('batches', '32,256').split(',').map(Number);
const epochs = Number(arg('epochs', '1'));
const kinds = arg('models', MODEL_KINDS.join(',')).split(',') as ModelKind[];
const sets = arg('kernels', 'stock,simgen').split(',') as KernelSet[];
for (const s of sets) if (!(KERNEL_SETS as readonly string[]).includes(s)) throw new Error(`--kernels: ${s} is not one of ${KERNEL_SETS.join(', ')}`);

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
  heard: new Int32Array(n),
};
const scaler: Scaler = { featureMean: new Array(width).fill(0), featureStd: new Array(width).fill(1), labelMean: [200, 200], labelScale: 100 };

console.log(`training samples/s, ${epochs} epoch(s) of ${n} samples, tfjs ${tf.version.tfjs} backend ${tf.getBackend()}; load average ${os.loadavg()[0].toFixed(1)} at start`);
console.log(`model        batch   params  ${sets.map((s) => `${s.padStart(8)} samples/s`).join('  ')}${sets.length === 2 ? '  speed-up' : ''}`);
for (const batch of batches)
  for (const kind of kinds) {
    const rate: number[] = [];
    let params = 0;
    for (const s of sets) {
      useKernels(s);
      const r = await trainModel({ kind, train: set, scaler, epochs, batchSize: batch, seed: 1 });
      rate.push(r.samplesPerSecond);
      params = trainableParams(r.model);
      r.model.dispose();
    }
    const ratio = sets.length === 2 ? `  ${(rate[1] / rate[0]).toFixed(2).padStart(7)}x` : '';
    console.log(`${kind.padEnd(12)} ${String(batch).padStart(5)} ${String(params).padStart(8)}  ${rate.map((r) => `${r.toFixed(0).padStart(8)}          `).join('  ')}${ratio}`);
  }
console.log(`load average ${os.loadavg()[0].toFixed(1)} at the end`);
