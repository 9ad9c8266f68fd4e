import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { loadImage, createCanvas } from '@napi-rs/canvas';
import { runRadiomap } from '../src/radiomap/run.ts';
import { loadScenario, PACKAGE_ROOT } from '../src/scenario/load.ts';
import { runView } from '../src/viewer/run.ts';

// `simgen view` in a real browser: Debian's chromium driven by puppeteer-core, headless, WebGL through
// SwiftShader (headless Chromium no longer falls back to software WebGL by itself). The served page loads with no
// console or page error, its WebGL canvas is not blank, the side panel fits at 1280 x 720 and up (no horizontal
// scrollbar), moving the time slider changes the paths shown, another track is traced on request, and the written
// file also opens from file:// (no server, offline).
// Where /usr/bin/chromium is missing (CHROMIUM overrides the path) the test says it skipped.

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const smoke = loadScenario(path.join(PACKAGE_ROOT, 'scenarios/smoke.yaml'));

/** Pixel statistics of a PNG screenshot: luminance standard deviation and distinct colours (5 bits a channel). */
async function pixelStats(png: Uint8Array): Promise<{ width: number; height: number; sd: number; colours: number; data: Uint8ClampedArray }> {
  const img = await loadImage(Buffer.from(png));
  const c = createCanvas(img.width, img.height);
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0);
  const data = g.getImageData(0, 0, img.width, img.height).data;
  let s = 0, s2 = 0;
  const colours = new Set<number>();
  const n = data.length / 4;
  for (let i = 0; i < n; i++) {
    const [r, gr, b] = [data[4 * i], data[4 * i + 1], data[4 * i + 2]];
    const l = 0.2126 * r + 0.7152 * gr + 0.0722 * b;
    s += l;
    s2 += l * l;
    colours.add(((r >> 3) << 10) | ((gr >> 3) << 5) | (b >> 3));
  }
  return { width: img.width, height: img.height, sd: Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2)), colours: colours.size, data };
}

test('simgen view in headless chromium: no errors, a drawn WebGL canvas, the slider changes the paths', { timeout: 240_000 }, async (t) => {
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`browser test skipped: ${CHROMIUM} not found (Debian: apt-get install chromium; .ci/run installs it)`);
    t.skip(`${CHROMIUM} not found`);
    return;
  }
  const { default: puppeteer } = await import('puppeteer-core');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-view-'));
  await runRadiomap(smoke, out, { cell: 8, sites: [1, 5, 7, 14], quiet: true });
  const view = await runView(smoke, out, { serve: { port: 0 }, threads: 2 });
  assert.ok(view.server && /^http:\/\/127\.0\.0\.1:\d+\/$/.test(view.server.url), view.server?.url);
  assert.deepEqual(view.notes, [], 'the radio map overlay was found');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'simgen-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`],
    // Scrollbars take their room, as on a desktop (puppeteer hides them by default).
    ignoreDefaultArgs: ['--hide-scrollbars'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 720 });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => errors.push(`page error: ${(e as Error).message}`));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    await page.goto(view.server.url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.simgenViewer?.ready === true, { timeout: 60_000 });
    const webgl = await page.evaluate(() => {
      const c = document.querySelector('#view canvas') as HTMLCanvasElement;
      const gl = c.getContext('webgl2') ?? c.getContext('webgl');
      return { width: c.width, height: c.height, gl: gl !== null };
    });
    assert.ok(webgl.gl && webgl.width > 500 && webgl.height > 500, `WebGL canvas ${JSON.stringify(webgl)}`);
    const canvas = (await page.$('#view canvas'))!;
    const before = await pixelStats(await canvas.screenshot({ type: 'png' }));
    assert.ok(before.sd > 15 && before.colours > 200, `canvas looks blank: luminance sd ${before.sd.toFixed(1)}, ${before.colours} colours`);
    // The side panel fits its width at 1280 x 720 and up: no horizontal scrollbar, the links table whole.
    for (const [width, height] of [[1280, 720], [1400, 900], [1920, 1080]]) {
      await page.setViewport({ width, height });
      const fit = await page.evaluate(() => {
        const panel = document.getElementById('panel')!;
        const table = document.querySelector('table.links')!.getBoundingClientRect();
        const pad = parseFloat(getComputedStyle(panel).paddingRight);
        return {
          scrollWidth: panel.scrollWidth, clientWidth: panel.clientWidth, scrollbar: panel.offsetWidth - panel.clientWidth,
          tableRight: table.right, contentRight: panel.getBoundingClientRect().left + panel.clientLeft + panel.clientWidth - pad,
          rows: document.querySelectorAll('#links tr').length, page: document.documentElement.scrollWidth - window.innerWidth,
        };
      });
      const at = `${width}x${height}: ${JSON.stringify(fit)}`;
      assert.ok(fit.scrollWidth <= fit.clientWidth, `no horizontal scrollbar in the panel (${at})`);
      assert.ok(fit.tableRight <= fit.contentRight + 0.5, `the links table fits the panel (${at})`);
      assert.ok(fit.scrollbar > 5, `the panel keeps room for its vertical scrollbar, as on a desktop (${at})`);
      assert.ok(fit.rows > 1 && fit.page <= 0, at);
    }
    await page.setViewport({ width: 1280, height: 720 });
    const s0 = await page.evaluate(() => ({ ...window.simgenViewer! }));
    assert.equal(s0.sample, 0);
    assert.ok(s0.pathsShown > 0, 'paths are shown at sample 0');

    // Move the slider as a user would: focus it and press End (the last sample).
    await page.focus('#slider');
    await page.keyboard.press('End');
    await page.waitForFunction((sig) => window.simgenViewer!.pathsSignature !== sig, { timeout: 10_000 }, s0.pathsSignature);
    const s1 = await page.evaluate(() => ({ ...window.simgenViewer! }));
    assert.equal(s1.sample, view.samples - 1);
    assert.notEqual(s1.pathsSignature, s0.pathsSignature);
    const after = await pixelStats(await canvas.screenshot({ type: 'png' }));
    let changed = 0;
    for (let i = 0; i < after.data.length; i += 4) if (Math.abs(after.data[i] - before.data[i]) + Math.abs(after.data[i + 1] - before.data[i + 1]) + Math.abs(after.data[i + 2] - before.data[i + 2]) > 30) changed++;
    assert.ok(changed > 200, `moving the slider changed ${changed} pixels of the canvas`);

    // Another track, traced by the server on request.
    const other = smoke.trajectories.count - 1 === view.track ? 0 : view.track + 1;
    await page.select('#track', String(other));
    await page.waitForFunction((id) => window.simgenViewer!.track === id, { timeout: 60_000 }, other);
    assert.ok((await page.evaluate(() => window.simgenViewer!.pathsShown)) >= 0);
    assert.deepEqual(errors, []);

    // The written file on its own, from file:// (no server): it loads and draws.
    const offline = await browser.newPage();
    const offlineErrors: string[] = [];
    offline.on('pageerror', (e) => offlineErrors.push((e as Error).message));
    offline.on('console', (m) => m.type() === 'error' && offlineErrors.push(m.text()));
    await offline.goto(pathToFileURL(view.file).href, { waitUntil: 'load' });
    await offline.waitForFunction(() => window.simgenViewer?.ready === true && window.simgenViewer.pathsShown > 0, { timeout: 60_000 });
    assert.deepEqual(offlineErrors, []);
  } finally {
    await browser.close();
    await view.server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});
