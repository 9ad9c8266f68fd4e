import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pagesWithCommands, runPage, type Skip } from './fixtures/doc-commands.ts';

// The command blocks of docs/*.md run as written, each page from a fresh folder, smoke-sized
// (test/fixtures/doc-commands.ts says how). A command the README runs identically is not run again (named
// below, checked identical); a page or command left out says why.

/** Per page: its own skips, and the commands the README runs identically (smoke-sized). */
const PAGES: Record<string, { skips?: Skip[]; sameAsReadme?: RegExp[] }> = {
  'docs/trajectories.md': {},
  'docs/raytrace.md': { sameAsReadme: [/^npx simgen raytrace --scenario scenarios\/smoke\.yaml --paths$/] },
  'docs/radiomap.md': { sameAsReadme: [/^npx simgen radiomap --out output\/fresh$/] },
  'docs/viewer.md': {
    sameAsReadme: [/^npx simgen view --out output\/fresh$/],
    skips: [{ page: 'docs/viewer.md', command: /^npx simgen radiomap && npx simgen view$/, why: 'the README runs radiomap and then view on the smoke scenario (with --out output/fresh); this line differs only in the folder' }],
  },
  'docs/export.md': { sameAsReadme: [/^npx simgen (trajectories|raytrace) --scenario scenarios\/smoke\.yaml( --paths)?$/, /^npx simgen export --scenario scenarios\/smoke\.yaml --deepmimo$/] },
  'docs/scale.md': {
    skips: [
      { page: 'docs/scale.md', command: /^ls -a\b/, why: 'lists what the killed run leaves (not run above)' },
      { page: 'docs/scale.md', command: /^npx simgen merge\b/, shown: /^simgen: shard \S+ missing/, why: 'the refusal of an incomplete set of shards; test/raytrace-shard.test.ts checks it' },
      { page: 'docs/scale.md', command: /^npx simgen trajectories --quiet$/, why: 'the first step of the killed run (not run above)' },
      { page: 'docs/scale.md', command: /--out output\/doc-lock$/, why: 'refused only while another run holds the folder; test/output-lock.test.ts runs two raytraces on one folder' },
      { page: 'docs/scale.md', command: /--out output\/doc-(ro|full)\b/, why: 'needs a read-only or a full file system; test/fs-errors.test.ts mounts a small tmpfs for these cases' },
    ],
  },
  'docs/experiment.md': { sameAsReadme: [/^npx simgen experiment baseline --out output\/fresh$/] },
  'docs/report.md': { sameAsReadme: [/^npx simgen report$/] },
  'docs/measure.md': { sameAsReadme: [/^npx simgen measure --scenario scenarios\/hyploc-madrid-nr-srs\.yaml --out output\/nr-srs$/] },
  'docs/architecture.md': { skips: [{ page: 'docs/architecture.md', command: /^npx tsx bench\/identical\.ts\b/, why: 'compares with the outputs of another checkout (--base DIR), which a fresh folder lacks' }] },
};

/** Pages with commands that are not run, and why. */
const PAGES_NOT_RUN: Record<string, string> = {
  'docs/RESULTS.md': "the paper's experiments at full size (a minute to 22 min each); their --quick forms run from README.md and test/experiment*.test.ts",
};

test('every page with commands is run here or by the README test, or says why not', () => {
  for (const p of pagesWithCommands()) assert.ok(p === 'README.md' || p in PAGES || p in PAGES_NOT_RUN, `${p} has commands: run it (PAGES) or say why not (PAGES_NOT_RUN)`);
});

for (const [page, o] of Object.entries(PAGES))
  test(`${page}: its commands run as written (smoke-sized)`, { timeout: 600_000 }, () => {
    console.log(runPage(page, o.skips, o.sameAsReadme && { page: 'README.md', commands: o.sameAsReadme }).join('\n'));
  });
