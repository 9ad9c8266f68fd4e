import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm test`: every test/**/*.test.ts through node's test runner with tsx's loader, two files at a time
// (2 cores). The file list is made here rather than by a shell glob, so the script runs the same under
// sh and Windows' cmd, and on Node 20 (whose --test takes no glob patterns). Extra arguments pass through.

const here = path.dirname(fileURLToPath(import.meta.url));
const files = (fs.readdirSync(here, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => path.join('test', f))
  .sort();
// The tests' temporary folders go in one folder of their own, removed afterwards: a test killed mid-way (or a
// child it killed on purpose) leaves nothing in the machine's temp folder.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-test-'));
const env = { ...process.env, TMPDIR: tmp, TEMP: tmp, TMP: tmp };
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...process.argv.slice(2), ...files], { cwd: path.dirname(here), stdio: 'inherit', env });
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(r.status ?? 1);
