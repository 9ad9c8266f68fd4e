import fs from 'node:fs';
import path from 'node:path';
import type { Scenario } from '../scenario/load.ts';
import { writeDirAtomic } from '../util/atomic.ts';
import { SIMGEN_VERSION } from '../util/meta.ts';
import { type Figure, angularSpreadFigures, coverageFigure, delaySpreadFigure, linkGeometry, losProbabilityFigure, measurementFigure, multipathFigure, pathLossFigure } from './figures.ts';
import { reportHtml } from './html.ts';
import { readConstellations, readMeasurements, readReportLinks } from './read.ts';

// `simgen report`: the run's links (and measurements) against 3GPP TR 38.901 UMi street canyon, in pictures.
// Reads links.arrow (with its spread columns; no paths.arrow), dataset.arrow's constellations and
// measurements.arrow when present; writes <out>/report/ (one SVG per plot, report.json, report.html) as a whole
// folder, atomically.

export const REPORT_DIR = 'report';

export interface ReportResult {
  dir: string;
  files: string[];
  figures: Figure[];
  links: number;
  seconds: number;
}

export async function runReport(scenario: Scenario, outDir: string): Promise<ReportResult> {
  const t0 = performance.now();
  const links = readReportLinks(outDir, scenario);
  const constellations = await readConstellations(outDir, links);
  const measurements = await readMeasurements(outDir, scenario);
  const g = linkGeometry(links);
  const figures: Figure[] = [
    pathLossFigure(links, g),
    delaySpreadFigure(links),
    ...angularSpreadFigures(links, g),
    losProbabilityFigure(links, g),
    coverageFigure(links, constellations, scenario.constellations.first),
    multipathFigure(links),
    ...(measurements ? [measurementFigure(measurements)] : []),
  ];
  const json = {
    simgen_version: SIMGEN_VERSION,
    scenario: scenario.name,
    links_input_key: links.inputKey,
    carrier_freq_hz: links.carrierFreqHz,
    links: links.rows,
    reference: '3GPP TR 38.901 V17.0.0 (2022-03), UMi street canyon: Table 7.4.1-1 (path loss), 7.4.2-1 (LOS probability), 7.5-6 Part 1 (DS, ASD), 7.5-7 (ZSD), Annex A.1 (angular spread)',
    figures: figures.map((f) => ({ id: f.id, title: f.title, files: f.svgs.map(([n]) => n), caption: f.caption, numbers: f.numbers })),
  };
  const intro = `Scenario ${scenario.name}: ${links.rows} links (${links.rows / links.sites.length} trajectory samples x ${links.sites.length} sites) at ${(links.carrierFreqHz / 1e9).toFixed(1)} GHz, ` +
    `against 3GPP TR 38.901 V17.0.0 UMi street canyon. Every number is in report.json.`;
  const html = reportHtml(`simgen report: ${scenario.name}`, intro, figures);
  const dir = path.join(outDir, REPORT_DIR);
  const files: string[] = [];
  writeDirAtomic(dir, (tmp) => {
    for (const f of figures)
      for (const [name, svg] of f.svgs) {
        fs.writeFileSync(path.join(tmp, name), svg);
        files.push(name);
      }
    fs.writeFileSync(path.join(tmp, 'report.json'), `${JSON.stringify(json, null, 1)}\n`);
    fs.writeFileSync(path.join(tmp, 'report.html'), html);
    files.push('report.json', 'report.html');
  });
  return { dir, files, figures, links: links.rows, seconds: (performance.now() - t0) / 1000 };
}
