import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

// The page's script: src/viewer/web/main.ts with three.js bundled in, one IIFE (no modules, so the page also
// opens from file://). `npm run build` writes it to dist/viewer/web/viewer.js with esbuild (the `simgen`
// command reads that); run from the TypeScript sources (tests, `npm run simgen`), it is bundled here, in memory,
// by the same esbuild (a development dependency).

/** The options of package.json's build:web script (esbuild's command line there). */
const BUNDLE_OPTIONS = { bundle: true, format: 'iife', minify: true, target: 'es2020', legalComments: 'eof', platform: 'browser' } as const;

export async function viewerScript(): Promise<string> {
  const built = new URL('./web/viewer.js', import.meta.url);
  if (fs.existsSync(built)) return fs.readFileSync(built, 'utf8');
  const entry = fileURLToPath(new URL('./web/main.ts', import.meta.url));
  if (!fs.existsSync(entry)) throw new Error(`viewer: neither ${fileURLToPath(built)} nor ${entry} exists (run "npm run build")`);
  const esbuild = await import('esbuild');
  const r = await esbuild.build({ ...BUNDLE_OPTIONS, entryPoints: [entry], write: false, logLevel: 'silent' });
  return r.outputFiles[0].text;
}
