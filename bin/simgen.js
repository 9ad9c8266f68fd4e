#!/usr/bin/env node
// Entry point for `npx simgen`: runs the compiled CLI in dist/ (built by `npm run build`, which `npm ci`
// and `npm pack` run through the "prepare" script). `npm run simgen -- ...` runs the sources through tsx.
const main = new URL('../dist/cli/main.js', import.meta.url);
try {
  await import(main.href);
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes(main.pathname)) throw e;
  console.error('simgen: dist/ is missing (the compiled CLI); run "npm run build" in the simgen folder');
  process.exit(2);
}
