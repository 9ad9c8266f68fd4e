import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/learn/backend.ts';
import type { SampleSet, Scaler } from '../src/learn/data.ts';
import { KERNEL_SETS, type KernelSet, useKernels } from '../src/learn/kernels/index.ts';
import { MODEL_KINDS, type ModelKind, trainableParams } from '../src/learn/models.ts';
import { trainModel } from '../src/learn/train.ts';
import { rngFor } from '../src/util/rng.ts';

// Training speed per model: samples/s of trainModel (the loop `simgen train` runs) over whole epochs on
// a synthetic set of the default dataset's size (22775 x 56; speed does not depend on the values), at
// each batch size, on tfjs-wasm's stock kernels (tf.train.adam, explicit-transpose gradients) and on
// simgen's (src/learn/kernels and the fused step). Then, when a python3 with torch is found, the same
// models against PyTorch (bench/train_torch.py) at batch 32, one thread each, in interleaved runs
// (simgen, PyTorch, simgen, ...; the machine may be shared) with the ratio of each pair, by wall clock
// and by each process's CPU time (a share of the cores lost to other jobs does not count in the second;
// simgen's includes building the model and its arena). Usage:
//   npx tsx bench/train.ts [--batches 32,256] [--epochs 1] [--models hyploc,single,single-plus] [--kernels simgen,stock]
//                          [--torch-models hyploc,single-plus,single] [--torch-runs 3]

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const batches = arg('batches', '32,256').split(',').map(Number);
const epochs = Number(arg('epochs', '1'));
const kinds = arg('models', MODEL_KINDS.join(',')).split(',') as ModelKind[];
const sets = arg('kernels', 'stock,simgen').split(',') as KernelSet[];
const torchKinds = arg('torch-models', 'hyploc,single-plus,single').split(',').filter(Boolean) as ModelKind[];
const torchRuns = Number(arg('torch-runs', '3'));
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

/** A python3 that imports torch: python3 on PATH, else the system one (Debian's python3-torch). */
function torchPython(): string | undefined {
  return ['python3', '/usr/bin/python3'].find((py) => spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
}

const python = torchKinds.length > 0 ? torchPython() : undefined;
if (torchKinds.length > 0 && !python) console.log('\nsimgen against PyTorch: skipped (no python3 with torch found: python3, /usr/bin/python3)');
if (python) {
  const batch = 32;
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'train_torch.py');
  const oneThread = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const torchRun = (kind: ModelKind) => {
    const r = spawnSync(python, [script, kind, String(batch), String(epochs)], { env: oneThread, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench/train_torch.py ${kind} failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { samples_per_second: number; cpu_samples_per_second: number; torch: string; blas: string };
  };
  useKernels('simgen');
  const simgenRun = async (kind: ModelKind) => {
    const c0 = process.cpuUsage();
    const r = await trainModel({ kind, train: set, scaler, epochs, batchSize: batch, seed: 1 });
    const c = process.cpuUsage(c0);
    r.model.dispose();
    return { wall: r.samplesPerSecond, cpu: (n * epochs) / ((c.user + c.system) / 1e6) };
  };
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const probe = torchRun('single');
  console.log(`\nsimgen against PyTorch ${probe.torch} (${python}; BLAS ${probe.blas}), batch ${batch}, one thread each, ${epochs} epoch(s) a run after a warm-up, ${torchRuns} interleaved runs; load average ${os.loadavg()[0].toFixed(1)} at start`);
  if (/\/blas\/libblas/.test(probe.blas)) console.log('  note: PyTorch runs on the reference BLAS here (libblas3), several times slower than on OpenBLAS (libopenblas0): this ratio flatters simgen');
  console.log('                   samples/s (wall clock)            samples/s per CPU second');
  console.log('model        run     simgen   PyTorch   ratio       simgen   PyTorch   ratio');
  for (const kind of torchKinds) {
    await simgenRun(kind); // warm-up: compiles the kernels' code paths
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let run = 1; run <= torchRuns; run++) {
      // Alternate which goes first, so that a change in the machine's load falls on both.
      const t = run % 2 === 1 ? undefined : torchRun(kind);
      const ours = await simgenRun(kind);
      const theirs = t ?? torchRun(kind);
      wall.push(ours.wall / theirs.samples_per_second);
      cpu.push(ours.cpu / theirs.cpu_samples_per_second);
      const f = (v: number) => v.toFixed(0).padStart(9);
      console.log(`${kind.padEnd(12)} ${String(run).padStart(3)}  ${f(ours.wall)} ${f(theirs.samples_per_second)}  ${wall.at(-1)!.toFixed(2).padStart(5)}x    ${f(ours.cpu)} ${f(theirs.cpu_samples_per_second)}  ${cpu.at(-1)!.toFixed(2).padStart(5)}x`);
    }
    console.log(`${kind.padEnd(12)} median ratio ${median(wall).toFixed(2)}x by wall clock (${Math.min(...wall).toFixed(2)}-${Math.max(...wall).toFixed(2)}x), ${median(cpu).toFixed(2)}x per CPU second (${Math.min(...cpu).toFixed(2)}-${Math.max(...cpu).toFixed(2)}x)`);
  }
  console.log(`load average ${os.loadavg()[0].toFixed(1)} at the end`);
}
