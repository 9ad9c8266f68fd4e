import fs from 'node:fs';
import path from 'node:path';
import { Field, Float32, Float64, Int32, Schema } from 'apache-arrow';
import { readDataset } from '../dataset/read.ts';
import { writeArrowFile } from '../util/arrow.ts';
import { UserError } from '../util/errors.ts';
import { SIMGEN_VERSION, stageKey } from '../util/meta.ts';
import { shownPath } from '../util/paths.ts';
import { initBackend } from './backend.ts';
import { selectSamples } from './data.ts';
import { BASELINE_FILE } from './baseline-io.ts';
import { type ErrorSummary, positionErrors, summarizeErrors } from './evaluate.ts';
import { loadModel, type ModelInfo } from './model-io.ts';
import { type Fitted, FittedNetwork, MODEL_REGISTRY } from './registry.ts';

// A saved model on dataset.arrow rows -> predictions.arrow (one row per sample: truth, estimate, error).

export interface PredictOptions {
  modelDir: string;
  dataset: string;
  split: 'train' | 'test';
  /** Constellation ids (default: those the model was trained on). */
  constellations?: number[];
  output: string;
}

export interface PredictResult {
  info: ModelInfo;
  constellations: number[];
  rows: number;
  summary: ErrorSummary;
  output: string;
  /** false when the dataset is not the one the model was trained on (still valid, e.g. an unseen constellation). */
  sameDataset: boolean;
}

/** A saved network (model.json) or baseline (baseline.json, src/learn/baseline-io.ts), through the registry's load. */
async function loadAnyModel(dir: string): Promise<{ fitted: Fitted; info: ModelInfo }> {
  if (fs.existsSync(path.join(dir, BASELINE_FILE))) {
    const info = (JSON.parse(fs.readFileSync(path.join(dir, BASELINE_FILE), 'utf8')) as { simgen?: ModelInfo }).simgen;
    if (info?.kind !== 'knn' && info?.kind !== 'geometric') throw new UserError(`--model-dir ${shownPath(dir)}: ${BASELINE_FILE} names no baseline kind (got ${String(info?.kind)})`);
    return { fitted: await MODEL_REGISTRY[info.kind].load(dir), info };
  }
  const { model, info } = await loadModel(dir);
  return { fitted: new FittedNetwork(model, [], {}), info };
}

export async function runPredict(o: PredictOptions): Promise<PredictResult> {
  await initBackend();
  const { fitted, info } = await loadAnyModel(o.modelDir);
  const ds = readDataset(o.dataset);
  const constellations = o.constellations ?? info.constellations;
  const set = selectSamples(ds, { constellations, split: o.split }, info.scaler);
  const predicted = fitted.predict(set, info.scaler);
  const errors = positionErrors(predicted, set);
  const summary = summarizeErrors(errors);
  fitted.dispose();

  const inputKey = stageKey('predict', SIMGEN_VERSION, info, ds.meta.inputKey, o.split, constellations);
  const f = (name: string, type: Int32 | Float32 | Float64) => new Field(name, type, false);
  const schema = new Schema(
    [f('constellation', new Int32()), f('trajectory_id', new Int32()), f('sample', new Int32()), f('x', new Float64()), f('y', new Float64()), f('x_pred', new Float32()), f('y_pred', new Float32()), f('error_m', new Float64())],
    new Map([
      ['simgen_version', SIMGEN_VERSION],
      ['scenario', ds.meta.scenario],
      ['scenario_hash', ds.meta.scenarioHash],
      ['seed', String(ds.meta.seed)],
      ['input_key', inputKey],
      ['model', info.kind],
      ['model_dir', path.basename(path.resolve(o.modelDir))],
      ['split', o.split],
      ['constellations', JSON.stringify(constellations)],
      ...(ds.meta.originLonLat ? [['origin_lon_lat', JSON.stringify(ds.meta.originLonLat)] as [string, string]] : []),
    ]),
  );
  const pick = (a: Int32Array) => Int32Array.from(set.rows, (r) => a[r]);
  await writeArrowFile(o.output, schema, (writer) =>
    writer.write({
      constellation: pick(ds.constellation),
      trajectory_id: pick(ds.trajectoryId),
      sample: pick(ds.sample),
      x: Float64Array.from(set.rows, (r) => ds.x[r]),
      y: Float64Array.from(set.rows, (r) => ds.y[r]),
      x_pred: Float32Array.from({ length: set.n }, (_, i) => predicted[2 * i]),
      y_pred: Float32Array.from({ length: set.n }, (_, i) => predicted[2 * i + 1]),
      error_m: errors,
    }),
  );
  return { info, constellations, rows: set.n, summary, output: o.output, sameDataset: ds.meta.inputKey === info.datasetInputKey };
}
