import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic.ts';
import { UserError } from '../util/errors.ts';
import { shownPath } from '../util/paths.ts';
import type { ModelInfo } from './model-io.ts';

// A baseline (a kind that trains no network: knn.ts, geometric.ts) saved to a model folder: `baseline.json`
// holds the ModelInfo every saved model carries (kind, feature layout, scaler, provenance) and the kind's own
// parameters; a kind with a table writes it to `table.bin` (float32, little-endian) first, so that
// baseline.json, written last, names a finished file (its SHA-256, as model.json does for weights.bin).

export const BASELINE_FILE = 'baseline.json';
export const TABLE_FILE = 'table.bin';

interface SavedBaseline<P> {
  simgen: ModelInfo;
  params: P;
  tableSha256?: string;
}

const sha256 = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

export function saveBaseline<P>(dir: string, info: ModelInfo, params: P, table?: Float32Array): void {
  let tableSha256: string | undefined;
  if (table) {
    const bytes = new Uint8Array(table.buffer, table.byteOffset, table.byteLength);
    writeFileAtomic(path.join(dir, TABLE_FILE), bytes);
    tableSha256 = sha256(bytes);
  }
  const saved: SavedBaseline<P> = { simgen: info, params, ...(tableSha256 ? { tableSha256 } : {}) };
  writeFileAtomic(path.join(dir, BASELINE_FILE), `${JSON.stringify(saved)}\n`);
}

/** A baseline saved by saveBaseline as `kind`; UserError for a folder that holds something else or a mix of saves. */
export function loadBaseline<P>(dir: string, kind: ModelInfo['kind']): { info: ModelInfo; params: P; table?: Float32Array } {
  const file = path.join(dir, BASELINE_FILE);
  if (!fs.existsSync(file)) throw new UserError(`${shownPath(dir)}: no ${BASELINE_FILE} there (train a ${kind} model with "simgen train --models ${kind}")`);
  const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as SavedBaseline<P>;
  if (saved.simgen?.kind !== kind) throw new UserError(`${shownPath(file)}: holds a ${saved.simgen?.kind ?? 'unknown'} model, not ${kind}`);
  if (saved.tableSha256 === undefined) return { info: saved.simgen, params: saved.params };
  const bytes = fs.readFileSync(path.join(dir, TABLE_FILE));
  if (sha256(bytes) !== saved.tableSha256) throw new UserError(`${shownPath(dir)}: ${TABLE_FILE} is not the one ${BASELINE_FILE} was saved with: a model folder replaced half-way; train it again`);
  const table = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(table.buffer).set(bytes);
  return { info: saved.simgen, params: saved.params, table };
}
