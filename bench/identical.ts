import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// `npx tsx bench/identical.ts --base DIR [--scenario FILE]`: are this checkout's outputs byte-identical to
// those of another checkout of simgen (DIR: e.g. a worktree of main before a refactor)? Both run the same
// commands from their TypeScript sources on the same scenario (default: the smoke scenario, ~1 min):
// `simgen train` (trajectories.arrow, links.arrow, dataset.arrow, each model's model.json, weights.bin,
// metrics.json and the CDF plot) and `simgen raytrace --paths` (paths.arrow), then the sha256 of every file
// are compared. timing.json (wall-clock) is left out. Exit code 1 when a file of DIR's run differs or is
// missing here; files only this checkout writes are listed as new.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const base = arg('base');
if (!base) {
  console.error('usage: npx tsx bench/identical.ts --base DIR [--scenario FILE]');
  process.exit(2);
}
const scenario = path.resolve(arg('scenario') ?? path.join(ROOT, 'scenarios/smoke.yaml'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-identical-'));

/** Runs `simgen args` from the sources of the checkout at `root`. */
function simgen(root: string, args: string[]): void {
  execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), ...args, '--scenario', scenario, '--quiet'], { cwd: root, stdio: 'inherit' });
}

/** sha256 of every file under `dir` except timing.json, by relative path. */
function digests(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const file = path.join(dir, f);
    if (fs.statSync(file).isFile() && path.basename(f) !== 'timing.json') out.set(f, crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
  }
  return out;
}

const runs: Record<string, Map<string, string>> = {};
for (const [name, root] of [['base', path.resolve(base)], ['this', ROOT]] as const) {
  const out = path.join(tmp, name);
  const started = Date.now();
  simgen(root, ['train', '--out', out]);
  const paths = path.join(out, 'paths-run');
  fs.mkdirSync(paths);
  fs.copyFileSync(path.join(out, 'trajectories.arrow'), path.join(paths, 'trajectories.arrow'));
  simgen(root, ['raytrace', '--paths', '--out', paths]);
  runs[name] = digests(out);
  console.log(`${name}: ${root} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

let differ = 0;
for (const f of [...new Set([...runs.base.keys(), ...runs.this.keys()])].sort()) {
  const a = runs.base.get(f), b = runs.this.get(f);
  const status = a === undefined ? 'new    ' : a === b ? 'same   ' : 'DIFFERS';
  if (a !== undefined && a !== b) differ++;
  console.log(`${status}  ${f}  ${a?.slice(0, 16) ?? '(missing)'}  ${b?.slice(0, 16) ?? '(missing)'}`);
}
console.log(differ === 0 ? `all ${runs.base.size} files of the base run byte-identical` : `${differ} of the base run's ${runs.base.size} files differ`);
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(differ === 0 ? 0 : 1);
