import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** simgen's version (package.json), recorded in every output. */
export const SIMGEN_VERSION: string = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;

/**
 * The key of a stage output: sha256 over everything it depends on (the map, the scenario sections the
 * stage reads, seed, options, upstream keys). Stored in each output's metadata as `input_key`; equal key -> the output can be reused.
 */
export function stageKey(...parts: unknown[]): string {
  return crypto.createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
