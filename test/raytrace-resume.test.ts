import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runTrajectories } from '../src/mobility/trajectories.ts';
import { runRaytrace } from '../src/raytrace/index.ts';
import { loadScenario, PACKAGE_ROOT } from '../src/scenario/load.ts';
import { scanJournal } from '../src/util/journal.ts';
import { writeBlocksScenario } from './fixtures/upstream.ts';

// Crash safety of `simgen raytrace`, with real processes and real SIGKILLs: the CLI is started, killed at
// several moments (while starting, with an empty journal, after some blocks, after the last block while
// links.arrow is being written), restarted each time in the same folder, and finally let finish. After
// every kill, no file that looks finished is wrong (links.arrow is absent or complete), the journal keeps
// at least the blocks it had, and the end result is byte-identical to an uninterrupted run.

const MAIN = path.join(PACKAGE_ROOT, 'src/cli/main.ts');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-resume-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

function start(scenarioFile: string, out: string, extra: string[] = []): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'raytrace', '--scenario', scenarioFile, '--out', out, '--threads', '2', '--quiet', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    if (code !== null && code !== 0) console.error(stderr);
    resolve(code);
  }));
  return { child, exited };
}

/** Polls `when` every few ms while the child runs; SIGKILLs it once true. Returns whether the kill came before the child ended. */
async function killWhen(child: ChildProcess, exited: Promise<number | null>, when: () => boolean): Promise<boolean> {
  let over = false;
  void exited.then(() => (over = true));
  while (!over) {
    if (when()) {
      child.kill('SIGKILL');
      await exited;
      return true;
    }
    await new Promise((r) => setTimeout(r, 3));
  }
  return false;
}

test('raytrace killed with SIGKILL at several moments resumes and ends byte-identical to an uninterrupted run', { timeout: 180_000 }, async (t) => {
  const scenarioFile = writeBlocksScenario(root, 'resume');
  const scenario = loadScenario(scenarioFile);
  const ref = path.join(root, 'ref');
  await runTrajectories(scenario, ref, { quiet: true });
  const reference = await runRaytrace(scenario, ref, { threads: 1, quiet: true });
  const refBytes = fs.readFileSync(reference.path);
  assert.equal(reference.rows, 404 * 18);

  const out = path.join(root, 'killed');
  fs.mkdirSync(out);
  fs.copyFileSync(path.join(ref, 'trajectories.arrow'), path.join(out, 'trajectories.arrow'));
  const journal = path.join(out, '.links.arrow.journal');
  const links = path.join(out, 'links.arrow');
  const blocksIn = () => scanJournal(journal).records.length;
  const ended = () => scanJournal(journal).end !== null;

  let kept = 0;
  const moments: [string, () => () => boolean][] = [
    ['while starting (300 ms in)', () => { const t0 = Date.now(); return () => Date.now() - t0 > 300; }],
    ['with a journal holding no block yet', () => () => fs.existsSync(journal) && scanJournal(journal).header !== null && blocksIn() === 0],
    ['after 2 blocks', () => () => blocksIn() >= 2],
    ['after 5 blocks', () => () => blocksIn() >= 5],
    ['after the last block, while links.arrow is written', () => () => ended()],
  ];
  let kills = 0;
  for (const [moment, make] of moments) {
    const { child, exited } = start(scenarioFile, out);
    const killed = await killWhen(child, exited, make());
    if (killed) kills++;
    else assert.equal(await exited, 0, `${moment}: the run failed`);
    // Whatever looks finished is right: links.arrow is absent or the complete file.
    if (fs.existsSync(links)) assert.ok(fs.readFileSync(links).equals(refBytes), `${moment}: a links.arrow that is not the finished file`);
    // (A killed run leaves its lock, which the next run finds stale: its process is gone.)
    for (const f of fs.readdirSync(out)) assert.ok(['trajectories.arrow', 'links.arrow', '.links.arrow.journal', '.simgen.lock'].includes(f) || /^\.links\.arrow\..+\.tmp$/.test(f), `${moment}: unexpected file ${f}`);
    if (fs.existsSync(journal)) {
      const now = blocksIn();
      assert.ok(now >= kept, `${moment}: the journal lost blocks (${kept} -> ${now})`);
      kept = now;
    }
    t.diagnostic(`${moment}: ${killed ? 'killed' : 'finished first'}, journal ${fs.existsSync(journal) ? `holds ${kept} blocks${ended() ? ' and its end record' : ''}` : 'absent'}, links.arrow ${fs.existsSync(links) ? 'complete' : 'absent'}`);
    if (!killed) break; // it finished before the moment came
  }
  assert.ok(kills >= 3, `only ${kills} of the kills landed before the run ended`);
  assert.ok(kept > 0, 'no kill left completed blocks to resume from');

  const last = start(scenarioFile, out);
  assert.equal(await last.exited, 0);
  assert.ok(fs.readFileSync(links).equals(refBytes), 'the resumed links.arrow differs from the uninterrupted run');
  assert.deepEqual(fs.readdirSync(out).sort(), ['links.arrow', 'trajectories.arrow'], 'journal and temporary files cleaned up');
});
