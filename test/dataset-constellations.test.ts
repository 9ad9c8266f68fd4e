import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseUnseen, type CoverageInput, coverage, drawConstellations, UNSEEN_RULE } from '../src/dataset/constellations.ts';
import { binomial, unseenNote } from '../src/scenario/constellations.ts';
import { UserError } from '../src/util/errors.ts';

const IDS = Array.from({ length: 18 }, (_, i) => i + 1);
const PAPER = { size: 7, count: 10, first: [13, 1, 5, 7, 9, 10, 12] };

test('binomial matches closed forms', () => {
  assert.equal(binomial(18, 7), 31824);
  assert.equal(binomial(5, 0), 1);
  assert.equal(binomial(5, 5), 1);
  assert.equal(binomial(6, 3), 20);
});

test('draws: #1 fixed (sorted), 7 distinct known sites each, all constellations distinct, seeded', () => {
  const cs = drawConstellations(IDS, PAPER, 2024);
  assert.equal(cs.length, 10);
  assert.deepEqual(cs[0], { id: 1, sites: [1, 5, 7, 9, 10, 12, 13], unseen: false });
  for (const c of cs) {
    assert.equal(new Set(c.sites).size, 7);
    assert.deepEqual(c.sites, [...c.sites].sort((a, b) => a - b));
    assert.ok(c.sites.every((s) => IDS.includes(s)));
  }
  assert.equal(new Set(cs.map((c) => c.sites.join())).size, 10);
  assert.deepEqual(drawConstellations(IDS, PAPER, 2024), cs);
  assert.notDeepEqual(drawConstellations(IDS, PAPER, 2025), cs);
  assert.deepEqual(drawConstellations(IDS, { ...PAPER, count: 4 }, 2024), cs.slice(0, 4));
});

test('a small world: every combination can be known; the unseen one takes the last one left, or is skipped', () => {
  // 4 sites choose 3 = 4 combinations: 3 known leave exactly one for the unseen constellation.
  const cs = drawConstellations([1, 2, 3, 4], { size: 3, count: 3, first: [1, 2, 3] }, 7);
  assert.equal(new Set(cs.map((c) => c.sites.join())).size, 3);
  const input: CoverageInput = { siteIds: [1, 2, 3, 4], x: new Float64Array([1]), y: new Float64Array([1]), heard: new Uint8Array([1, 1, 1, 1]) };
  const u = chooseUnseen(cs, 3, input, 7)!;
  const all = ['1,2,3', '1,2,4', '1,3,4', '2,3,4'];
  assert.deepEqual(u.constellation.sites.join(), all.find((k) => !cs.some((c) => c.sites.join() === k)));
  assert.equal(u.constellation.id, 4);
  assert.equal(u.constellation.unseen, true);
  assert.equal(u.candidates, 1);
  // All 4 known: allowed, and no unseen constellation is left (the note says why).
  const four = drawConstellations([1, 2, 3, 4], { size: 3, count: 4, first: [1, 2, 3] }, 7);
  assert.deepEqual(four.map((c) => c.sites.join()).sort(), all);
  assert.equal(chooseUnseen(four, 3, input, 7), undefined);
  assert.match(unseenNote(4, { size: 3, count: 4, first: [1, 2, 3], unseen: true })!, /4 sites choose 3 give 4 constellations, all of them known/);
  assert.equal(unseenNote(4, { size: 3, count: 3, first: [1, 2, 3], unseen: true }), undefined);
  assert.match(unseenNote(4, { size: 3, count: 3, first: [1, 2, 3], unseen: false })!, /unseen: false/);
  assert.throws(() => drawConstellations([1, 2, 3, 4], { size: 3, count: 5, first: [1, 2, 3] }, 7), (e: Error) => e instanceof UserError && /1\.\.4/.test(e.message));
});

test('coverage counts distinct 20 m cells of samples heard by >= 3 of the sites', () => {
  const cell = UNSEEN_RULE.cellM;
  // Samples: two in cell (0,0), one in cell (1,0), one in cell (0,2); the last one heard by only 2.
  const x = new Float64Array([1, cell - 1, cell + 1, 5, 30]);
  const y = new Float64Array([1, 2, 3, 2 * cell + 1, 30]);
  const heard = new Uint8Array([
    1, 1, 1, 0,
    1, 1, 1, 1,
    0, 1, 1, 1,
    1, 0, 1, 1,
    1, 1, 0, 0,
  ]);
  const input = { siteIds: [1, 2, 3, 4], x, y, heard };
  assert.deepEqual(coverage([1, 2, 3, 4], input), { cells: 3, samples: 4 });
  assert.deepEqual(coverage([1, 2, 3], input), { cells: 1, samples: 2 }); // samples 0, 1
  assert.deepEqual(coverage([2, 3, 4], input), { cells: 2, samples: 2 }); // samples 1, 2
});

test('the unseen constellation is the best-covering candidate and differs from the known ones', () => {
  // 6 sites choose 3 = 20 < 200 candidates: every unknown combination is scored, so the best must win.
  // Sites 4, 5, 6 are heard everywhere along a 10-cell road; the others only in the first cell.
  const S = 10;
  const x = Float64Array.from({ length: S }, (_, i) => i * UNSEEN_RULE.cellM + 5);
  const y = new Float64Array(S).fill(5);
  const heard = new Uint8Array(S * 6);
  for (let s = 0; s < S; s++) for (let i = 0; i < 6; i++) heard[s * 6 + i] = i >= 3 || s === 0 ? 1 : 0;
  const input = { siteIds: [1, 2, 3, 4, 5, 6], x, y, heard };
  const known = drawConstellations([1, 2, 3, 4, 5, 6], { size: 3, count: 2, first: [1, 2, 3] }, 1);
  const u = chooseUnseen(known, 3, input, 1)!;
  assert.deepEqual(u.constellation.sites, [4, 5, 6]);
  assert.equal(u.coveredCells, 10);
  assert.equal(u.candidates, 18);
  assert.deepEqual(chooseUnseen(known, 3, input, 1), u);
});
