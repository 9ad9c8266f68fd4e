import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PACKAGE_ROOT } from '../src/scenario/load.ts';

// `npm ci` must work on every platform Node supports. npm refuses (EBADPLATFORM) a package that restricts
// os, cpu or libc on any other platform, unless the package is optional: then it only skips it. So every
// platform-restricted package in the lockfile must be optional (npm marks a package optional in the lockfile
// when every path to it from the root goes through an optional dependency).

interface LockEntry {
  version?: string;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
}

const lock = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package-lock.json'), 'utf8')) as { lockfileVersion: number; packages: Record<string, LockEntry> };

test('package-lock.json: no package that npm installs unconditionally restricts os, cpu or libc', () => {
  assert.ok(lock.lockfileVersion >= 2, 'lockfile v2+ (it has the "packages" map)');
  const restricted = Object.entries(lock.packages).filter(([, e]) => e.os || e.cpu || e.libc);
  // The check must see platform packages at all: esbuild (tsx) and polars ship one per platform.
  assert.ok(restricted.length > 0, 'the lockfile lists platform-specific packages');
  const unconditional = restricted.filter(([, e]) => !e.optional).map(([k, e]) => `${k}@${e.version} (os ${e.os ?? '*'}, cpu ${e.cpu ?? '*'}, libc ${e.libc ?? '*'})`);
  assert.deepEqual(unconditional, [], 'make these optional dependencies (or depend on the package that lists them as optional)');
});

test('package-lock.json: a native polars binary is locked for every platform nodejs-polars ships one for', () => {
  const polars = lock.packages['node_modules/nodejs-polars'];
  assert.ok(polars?.version, 'nodejs-polars is locked');
  const natives = Object.entries(lock.packages).filter(([k]) => /^node_modules\/nodejs-polars-/.test(k));
  for (const name of ['linux-x64-gnu', 'linux-x64-musl', 'linux-arm64-gnu', 'darwin-x64', 'darwin-arm64', 'win32-x64-msvc']) {
    const e = natives.find(([k]) => k === `node_modules/nodejs-polars-${name}`)?.[1];
    assert.ok(e, `nodejs-polars-${name} is locked`);
    assert.equal(e.version, polars.version, `nodejs-polars-${name} has the version of nodejs-polars`);
    assert.equal(e.optional, true, `nodejs-polars-${name} is optional`);
  }
});
