import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { runExport } from '../src/dataset/export.ts';
import { runTrajectories } from '../src/mobility/trajectories.ts';
import { runRaytrace } from '../src/raytrace/index.ts';
import { loadScenario, PACKAGE_ROOT } from '../src/scenario/load.ts';
import { startWorkerThread } from '../src/util/entry.ts';
import { type FuzzContext, PROPERTIES, type PropertyResult } from './fixtures/fuzz-properties.ts';
import { writeCutSmokeScenario } from './fixtures/upstream.ts';

// Property-based tests (fast-check) of every parser of user files: the map (simgen's and lon/lat GeoJSON),
// the scenario YAML, the --rx CSV and the Arrow readers (trajectories, links, paths, dataset). Random
// mutations of valid inputs, structural and byte-level, must parse or be refused with one line (a UserError,
// which the CLI prints as "simgen: ..." with exit code 2), never crash with a stack trace, never write a file,
// and never hang: each property runs in a worker thread that is ended after WATCHDOG_MS. A few refused
// inputs then go through the real CLI.

const WATCHDOG_MS = 120_000;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-fuzz-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
const seed = Number(process.env.SIMGEN_FUZZ_SEED ?? 20240613);

let ctx: FuzzContext | undefined;
/** Small valid inputs from the real stages: the cut smoke scenario, scattering off (seconds to trace). */
async function context(): Promise<FuzzContext> {
  if (ctx) return ctx;
  const upstream = path.join(root, 'upstream');
  fs.mkdirSync(upstream);
  const scenarioFile = writeCutSmokeScenario(upstream, 'fuzz');
  const doc = YAML.parse(fs.readFileSync(scenarioFile, 'utf8'));
  doc.raytrace.scattering.enabled = false;
  fs.writeFileSync(scenarioFile, YAML.stringify(doc));
  const scenario = loadScenario(scenarioFile);
  await runTrajectories(scenario, upstream, { quiet: true });
  await runRaytrace(scenario, upstream, { threads: 1, quiet: true, paths: true });
  await runExport(scenario, upstream, { quiet: true });
  ctx = { upstream, scenarioFile, work: path.join(root, 'work'), seed };
  return ctx;
}

const results: Record<string, PropertyResult> = {};

function runProperty(name: string, c: FuzzContext): Promise<PropertyResult> {
  const w = startWorkerThread(new URL('./fixtures/fuzz-worker.ts', import.meta.url), { workerData: { name, ctx: c } });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void w.terminate();
      reject(new Error(`${name}: no answer after ${WATCHDOG_MS / 1000} s: a parser hangs (seed ${seed})`));
    }, WATCHDOG_MS);
    w.once('message', (m: { result?: PropertyResult; error?: string }) => {
      clearTimeout(timer);
      void w.terminate();
      if (m.error) reject(new Error(`${name} (seed ${seed}): ${m.error}`));
      else resolve(m.result!);
    });
    w.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

for (const name of Object.keys(PROPERTIES)) {
  test(name, { timeout: WATCHDOG_MS + 60_000 }, async (t) => {
    const r = await runProperty(name, await context());
    results[name] = r;
    t.diagnostic(`${r.runs} mutated inputs, ${r.refused} refused${r.example ? `, e.g. "${r.example.message.slice(0, 160)}"` : ''}`);
    assert.ok(r.refused > 0, 'no mutation was refused: the mutations are too weak to test anything');
  });
}

test('refused inputs through the real CLI: exit code 2, one line, no stack trace', async () => {
  const run = promisify(execFile);
  const simgen = async (...args: string[]) => {
    try {
      await run(process.execPath, ['--import', 'tsx', path.join(PACKAGE_ROOT, 'src/cli/main.ts'), ...args]);
      return { code: 0, stderr: '' };
    } catch (e) {
      return e as { code: number; stderr: string };
    }
  };
  const c = await context();
  const ex = (key: string) => Object.entries(results).find(([n]) => n.startsWith(key))?.[1].example;
  const cases: { args: string[]; message: string }[] = [];
  const csv = ex('csv');
  if (csv) cases.push({ args: ['raytrace', '--scenario', c.scenarioFile, '--out', path.join(root, 'cli-csv'), '--rx', csv.file], message: csv.message });
  const scenario = ex('scenario');
  if (scenario) cases.push({ args: ['scene', '--scenario', scenario.file], message: scenario.message });
  const map = ex('map: structural');
  if (map) {
    const doc = YAML.parse(fs.readFileSync(c.scenarioFile, 'utf8'));
    doc.map = map.file;
    const file = path.join(path.dirname(map.file), 'scenario.yaml');
    fs.writeFileSync(file, YAML.stringify(doc));
    cases.push({ args: ['scene', '--scenario', file], message: map.message });
  }
  assert.ok(cases.length >= 2, 'the properties left examples to replay');
  const rs = await Promise.all(cases.map((k) => simgen(...k.args)));
  cases.forEach((k, i) => {
    assert.equal(rs[i].code, 2, `${k.args.join(' ')}: ${rs[i].stderr}`);
    assert.equal(rs[i].stderr.trimEnd(), `simgen: ${k.message}`);
  });
  assert.ok(!fs.existsSync(path.join(root, 'cli-csv', 'links.arrow')));
});
