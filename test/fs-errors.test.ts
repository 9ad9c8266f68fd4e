import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runExport } from '../src/dataset/export.ts';
import { runTrajectories } from '../src/mobility/trajectories.ts';
import { runRaytrace } from '../src/raytrace/index.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { LOCK_FILE } from '../src/util/lock.ts';
import { type CliResult, simgen, startSimgen, tempsUnder } from './fixtures/cli.ts';
import { writeBlocksScenario, writeCutSmokeScenario } from './fixtures/upstream.ts';

// Every file-system failure of issue 25 through the real CLI: one line "simgen: <path>: <what> (<code>); <what
// to do>", no stack trace, the documented exit code (2: the user's input; 1: the environment), no temporary
// file left and no lock. A full disk (ENOSPC) is a 4 MiB tmpfs filled to a few pages, hit while the raytrace
// appends to its journal, while it writes links.arrow (and the run then resumes once there is space), in the
// export and while a model is saved; a read-only folder is a tmpfs remounted read-only (root ignores mode
// bits), where `train` must fail before training. Mounting needs root (and a kernel that allows it): without,
// those tests are skipped, saying why. The user's mistakes need nothing: --out a file, under a file, a link
// loop; --scenario and --rx a folder.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-fs-'));
const mounts: string[] = [];
process.on('exit', () => {
  for (const m of mounts) spawnSync('umount', ['-l', m]);
  fs.rmSync(root, { recursive: true, force: true });
});

/** Mounts a tmpfs of `kib` KiB at a new folder; returns it, or why it could not. */
function tmpfs(name: string, kib: number): { dir: string } | { why: string } {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  if (process.platform !== 'linux') return { why: 'tmpfs is Linux only' };
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return { why: `cannot mount a tmpfs here (${(r.error?.message ?? r.stderr).trim() || `exit ${r.status}`}): needs root` };
  mounts.push(dir);
  return { dir };
}

const disk = tmpfs('full', 4096);
const ro = tmpfs('read-only', 4096);
const skipDisk = 'why' in disk ? disk.why : false;
const skipRo = 'why' in ro ? ro.why : false;

/** Free bytes of the file system holding `dir`. */
const free = (dir: string) => {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
};

/** Leaves about `bytes` free on `dir`'s file system with a filler file (the one filler of that file system). */
function leaveFree(dir: string, bytes: number): void {
  const filler = path.join(dir, 'filler');
  fs.rmSync(filler, { force: true });
  fs.writeFileSync(filler, Buffer.alloc(Math.max(0, free(dir) - bytes)));
}

/** One line on stderr, matching `re`; the exit code; no stack trace; no temporary and no lock left in `out`. */
function oneLine(r: CliResult, code: number, re: RegExp, out?: string): void {
  assert.equal(r.code, code, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line, got ${JSON.stringify(r.stderr)}`);
  assert.match(lines[0], /^simgen: /);
  assert.match(lines[0], re);
  assert.ok(!/^\s+at /m.test(r.stderr), 'no stack trace');
  if (out && fs.existsSync(out)) {
    assert.deepEqual(tempsUnder(out), [], 'no temporary file left');
    assert.ok(!fs.existsSync(path.join(out, LOCK_FILE)), 'the lock released');
  }
}

const ENOSPC = (file: string) => new RegExp(`${file.replace(/[.()]/g, '\\$&')}: no space left on the device \\(ENOSPC, write\\); free space on that file system or choose another --out$`);

let blocks: { scenario: string; dir: string } | undefined;
/** The blocks scenario (7 blocks of receivers) with its trajectories and links. */
async function blocksUpstream(): Promise<{ scenario: string; dir: string }> {
  if (blocks) return blocks;
  const dir = path.join(root, 'blocks');
  fs.mkdirSync(dir);
  const scenario = writeBlocksScenario(dir, 'fs-errors');
  const s = loadScenario(scenario);
  await runTrajectories(s, dir, { quiet: true });
  await runRaytrace(s, dir, { threads: 1, quiet: true });
  blocks = { scenario, dir };
  return blocks;
}

let cut: { scenario: string; dir: string } | undefined;
/** The cut smoke scenario with its dataset (a few seconds to train). */
async function cutUpstream(): Promise<{ scenario: string; dir: string }> {
  if (cut) return cut;
  const dir = path.join(root, 'cut');
  fs.mkdirSync(dir);
  const scenario = writeCutSmokeScenario(dir, 'fs-errors-cut');
  const s = loadScenario(scenario);
  await runTrajectories(s, dir, { quiet: true });
  await runRaytrace(s, dir, { threads: 1, quiet: true });
  await runExport(s, dir, { quiet: true });
  cut = { scenario, dir };
  return cut;
}

function copyInto(from: string, to: string, files: string[]): void {
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to);
  for (const f of files) fs.copyFileSync(path.join(from, f), path.join(to, f));
}

test('a full disk: the raytrace journal, links.arrow, the export and a model save each fail in one line (exit 1) leaving no temporary file', { skip: skipDisk, timeout: 600_000 }, async (t) => {
  const full = (disk as { dir: string }).dir;
  const b = await blocksUpstream();
  const out = path.join(full, 'out');
  const raytrace = ['raytrace', '--scenario', b.scenario, '--out', out, '--threads', '1', '--quiet'];

  // The journal: room for its header, not for the blocks.
  copyInto(b.dir, out, ['trajectories.arrow']);
  leaveFree(full, 64 << 10);
  const journal = await simgen(...raytrace);
  oneLine(journal, 1, ENOSPC(path.join(out, '.links.arrow.journal')), out);
  t.diagnostic(journal.stderr.trimEnd());

  // links.arrow: the journal complete (a run killed after its last block), no room for links.arrow beside it.
  fs.rmSync(path.join(full, 'filler'));
  fs.rmSync(path.join(out, '.links.arrow.journal'));
  const killed = await startSimgen(raytrace, { SIMGEN_CRASH_AT: 'raytrace:journal-ended' }).done;
  assert.equal(killed.signal, 'SIGKILL', killed.stderr);
  leaveFree(full, 128 << 10);
  const links = await simgen(...raytrace);
  oneLine(links, 1, ENOSPC(path.join(out, 'links.arrow')), out);
  assert.ok(!fs.existsSync(path.join(out, 'links.arrow')));
  t.diagnostic(links.stderr.trimEnd());
  // Space freed: the run resumes from its journal (nothing traced again) and ends with the right file.
  fs.rmSync(path.join(full, 'filler'));
  const resumed = await simgen(...raytrace.filter((a) => a !== '--quiet'));
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /resumed an interrupted run: 7 of 7 blocks were already traced/);
  assert.ok(fs.readFileSync(path.join(out, 'links.arrow')).equals(fs.readFileSync(path.join(b.dir, 'links.arrow'))));

  // The export: its scratch files and dataset.arrow do not fit.
  copyInto(b.dir, out, ['trajectories.arrow', 'links.arrow']);
  leaveFree(full, 96 << 10);
  const exp = await simgen('export', '--scenario', b.scenario, '--out', out, '--quiet');
  oneLine(exp, 1, /(dataset\.features \(the export's scratch files\)|dataset\.arrow): no space left on the device \(ENOSPC, write\)/, out);
  assert.ok(!fs.existsSync(path.join(out, 'dataset.arrow')));
  t.diagnostic(exp.stderr.trimEnd());

  // A model save (in worker processes): HypLoc's and Single+'s weights (about 1 MB each) do not fit.
  const c = await cutUpstream();
  fs.rmSync(path.join(full, 'filler'));
  copyInto(c.dir, out, ['trajectories.arrow', 'links.arrow', 'dataset.arrow']);
  leaveFree(full, 256 << 10);
  const tr = await simgen('train', '--scenario', c.scenario, '--out', out, '--threads', '1', '--model', 'hyploc,single-plus', '--jobs', '2', '--epochs', '1', '--quiet');
  oneLine(tr, 1, /^simgen: (hyploc|single-plus)-c1: .*out\/models\/(hyploc|single-plus)-c1\/weights\.bin: no space left on the device \(ENOSPC, write\); free space on that file system or choose another --out$/, out);
  assert.ok(!fs.existsSync(path.join(out, 'models', 'hyploc-c1')) && !fs.existsSync(path.join(out, 'models', 'single-plus-c1')), 'no model folder');
  t.diagnostic(tr.stderr.trimEnd());
  fs.rmSync(path.join(full, 'filler'));
});

test('a read-only output folder: train and raytrace fail at once in one line (exit 1), before any training', { skip: skipRo, timeout: 300_000 }, async () => {
  const dir = (ro as { dir: string }).dir;
  const c = await cutUpstream();
  const out = path.join(dir, 'out');
  copyInto(c.dir, out, ['trajectories.arrow', 'links.arrow', 'dataset.arrow']);
  const r = spawnSync('mount', ['-o', 'remount,ro', dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const tr = await simgen('train', '--scenario', c.scenario, '--out', out, '--threads', '1', '--epochs', '1');
  const readOnly = /^simgen: cannot write into the output folder: .*out\/\.simgen\.lock: read-only file system \(EROFS, open\); choose a writable --out$/;
  oneLine(tr, 1, readOnly, out);
  assert.equal(tr.stdout, '', 'nothing ran: no stage, no training');
  const rt = await simgen('raytrace', '--scenario', c.scenario, '--out', out, '--threads', '1');
  oneLine(rt, 1, readOnly, out);
});

test('the user\'s paths: --out a file, under a file, a link loop; --scenario and --rx a folder: one line each, exit 2, nothing made', { timeout: 300_000 }, async () => {
  const b = await blocksUpstream();
  const dir = path.join(root, 'paths');
  fs.mkdirSync(dir);
  const file = path.join(dir, 'a-file');
  fs.writeFileSync(file, 'x');
  fs.symlinkSync('loop-b', path.join(dir, 'loop-a'));
  fs.symlinkSync('loop-a', path.join(dir, 'loop-b'));
  const cases: [string, string[], RegExp][] = [
    ['--out a regular file', ['raytrace', '--scenario', b.scenario, '--out', file], /a-file: exists and is not a folder \(EEXIST, mkdir\); give a folder, or a path where one can be made$/],
    ['--out under a file', ['train', '--scenario', b.scenario, '--out', path.join(file, 'sub')], /a-file\/sub: a part of the path is a file, not a folder \(ENOTDIR, mkdir\); give a path through folders only$/],
    ['--out a link loop', ['trajectories', '--scenario', b.scenario, '--out', path.join(dir, 'loop-a')], /loop-a: too many levels of symbolic links .*\(ELOOP, mkdir\); fix or remove the link$/],
    ['--scenario a folder', ['trajectories', '--scenario', dir, '--out', path.join(dir, 'out')], /^simgen: --scenario .*paths is a folder; give a file$/],
    ['--scenario under a file', ['trajectories', '--scenario', path.join(file, 's.yaml'), '--out', path.join(dir, 'out')], /^simgen: --scenario .*a-file\/s\.yaml: a part of the path is a file, not a folder; give the path of a file$/],
    ['--rx a folder', ['raytrace', '--scenario', b.scenario, '--rx', dir, '--out', path.join(dir, 'out')], /^simgen: --rx .*paths is a folder; give a file$/],
  ];
  const results = await Promise.all(cases.map(([, args]) => simgen(...args)));
  cases.forEach(([name, , re], i) => {
    try {
      oneLine(results[i], 2, re);
    } catch (e) {
      throw new Error(`${name}: ${(e as Error).message}`);
    }
  });
  assert.deepEqual(fs.readdirSync(dir).sort(), ['a-file', 'loop-a', 'loop-b'], 'nothing made');
  assert.equal(fs.readFileSync(file, 'utf8'), 'x');
});
