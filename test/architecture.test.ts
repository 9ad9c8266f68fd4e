import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// The import rules of docs/architecture.md, checked on every import of src/**/*.ts (static, type-only,
// re-exports and dynamic import()): a folder imports only the folders its row lists (the direction of the
// pipeline), and another stage only through its door (its public modules). The rules are read from the doc's
// tables, so the doc and the check cannot drift apart; an exception passes only if the doc lists it.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');
const DOC = path.join(ROOT, 'docs/architecture.md');

interface Unit {
  /** Folder under src/, e.g. "raytrace/engine". */
  name: string;
  mayImport: string[];
  /** Modules other stages may import (paths relative to the folder); null: every top-level module of the folder. */
  doors: string[];
  topLevel: boolean;
}

/** The rows of the markdown table that follows `heading` (cells of each row, header and separator skipped). */
function table(doc: string, heading: string): string[][] {
  const at = doc.indexOf(heading);
  assert.ok(at >= 0, `docs/architecture.md has a section "${heading}"`);
  const rows: string[][] = [];
  for (const line of doc.slice(at + heading.length).split('\n').slice(1)) {
    if (line.startsWith('#')) break;
    if (!line.startsWith('|') || /^\|\s*-/.test(line)) continue;
    rows.push(line.split('|').slice(1, -1).map((c) => c.trim()));
  }
  return rows.slice(1);
}

const ticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/\/$/, ''));

function readRules(): { units: Unit[]; exceptions: Set<string> } {
  const doc = fs.readFileSync(DOC, 'utf8');
  const units = table(doc, '### What each folder may import').map(([folder, may, door]): Unit => ({
    name: ticked(folder)[0],
    mayImport: ticked(may),
    doors: ticked(door).filter((d) => d.endsWith('.ts')),
    topLevel: /top-level modules/.test(door),
  }));
  const exceptions = new Set(table(doc, '### Exceptions').map(([from, to]) => `${ticked(from)[0]} -> ${ticked(to)[0]}`));
  return { units, exceptions };
}

/** Relative module specifiers of a source file: import/export ... from, import '...', import('...'). */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]);
  return out.filter((s) => s.startsWith('.'));
}

const sources = (fs.readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => f.split(path.sep).join('/'));

test('docs/architecture.md: every source folder has a row, every row names a folder or a planned one', () => {
  const { units } = readRules();
  const names = units.map((u) => u.name);
  assert.equal(new Set(names).size, names.length, 'one row per folder');
  const unitOf = (file: string) => names.filter((n) => file.startsWith(`${n}/`)).sort((a, b) => b.length - a.length)[0];
  for (const f of sources) assert.ok(unitOf(f), `src/${f}: its folder has no row in docs/architecture.md`);
  for (const u of units) for (const m of u.mayImport) assert.ok(names.includes(m), `${u.name}: may import "${m}", which has no row`);
  for (const u of units)
    for (const d of u.doors) if (fs.existsSync(path.join(SRC, u.name))) assert.ok(fs.existsSync(path.join(SRC, u.name, d)), `${u.name}: door ${d} does not exist`);
});

test('every import of src/ follows the direction of docs/architecture.md and enters another stage by its door', () => {
  const { units, exceptions } = readRules();
  const unitOf = (file: string) => units.filter((u) => file.startsWith(`${u.name}/`)).sort((a, b) => b.name.length - a.name.length)[0];
  const stage = (u: Unit) => u.name.split('/')[0];
  const wrong: string[] = [];
  const used = new Set<string>();
  for (const file of sources) {
    const from = unitOf(file);
    for (const spec of specifiers(fs.readFileSync(path.join(SRC, file), 'utf8'))) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      if (target.startsWith('..')) {
        wrong.push(`src/${file} imports ${spec}, outside src/`);
        continue;
      }
      const to = unitOf(target);
      if (to === from) continue;
      const pair = `src/${file} -> src/${target}`;
      const inside = target.slice(to.name.length + 1);
      const why = !from.mayImport.includes(to.name)
        ? `${from.name}/ may not import ${to.name}/`
        : stage(from) !== stage(to) && !to.doors.includes(inside) && !(to.topLevel && !inside.includes('/'))
          ? `${inside} is not a door of ${to.name}/`
          : undefined;
      if (!why) continue;
      if (exceptions.has(pair)) used.add(pair);
      else wrong.push(`${pair}: ${why}`);
    }
  }
  assert.deepEqual(wrong, [], `imports against docs/architecture.md:\n${wrong.join('\n')}`);
  assert.deepEqual([...exceptions].filter((e) => !used.has(e)), [], 'every listed exception is still needed');
});

test('raytrace/ has one door (index.ts); inside it, the engine is reached through tracer.ts (and settings.ts, for the key)', () => {
  for (const file of sources)
    for (const spec of specifiers(fs.readFileSync(path.join(SRC, file), 'utf8'))) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      if (!file.startsWith('raytrace/')) {
        if (target.startsWith('raytrace/')) assert.equal(target, 'raytrace/index.ts', `src/${file} imports src/${target}`);
      } else if (!file.startsWith('raytrace/engine/') && target.startsWith('raytrace/engine/'))
        assert.ok(['raytrace/engine/tracer.ts', 'raytrace/engine/settings.ts'].includes(target), `src/${file} imports src/${target}`);
    }
});

test('the import scanner sees every form of import', () => {
  const text = [
    "import a from './a.ts';",
    "import type { B } from '../b/b.ts';",
    "export { c } from './c.ts';",
    "export type { D } from './d.ts';",
    "import './side-effect.ts';",
    "const e = await import('./e.ts');",
    "import {\n  f,\n  g,\n} from './fg.ts';",
    "import fs from 'node:fs';",
  ].join('\n');
  assert.deepEqual(specifiers(text), ['./a.ts', '../b/b.ts', './c.ts', './d.ts', './side-effect.ts', './e.ts', './fg.ts']);
});
