import { test } from 'node:test';
import { runPage } from './fixtures/doc-commands.ts';

// Every command block of the README runs as written from a fresh folder, smoke-sized (test/fixtures/doc-commands.ts
// says how); a command left out says why.

test('README.md: its commands run as written (smoke-sized)', { timeout: 900_000 }, () => {
  const report = runPage('README.md', [
    { page: 'README.md', command: /^npm ci\b/, why: 'installs the packages (CI runs npm ci before the tests) and trains on the default scenario; trains run here on the smoke and chestnut-quarter scenarios' },
  ]);
  console.log(report.join('\n'));
});
