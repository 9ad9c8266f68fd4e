import os from 'node:os';
import path from 'node:path';
import { generateTracks } from '../mobility/drive.ts';
import { trajectorySettings } from '../mobility/trajectories.ts';
import type { Scenario } from '../scenario/load.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { UserError } from '../util/errors.ts';
import { viewerScript } from './bundle.ts';
import { pageData, radioMapOverlay } from './data.ts';
import { renderPage } from './page.ts';
import { startViewerServer, type ViewerServer } from './serve.ts';
import { traceTrack } from './trace-track.ts';

// `simgen view`: one self-contained HTML page (<out>/viewer.html) with the map, the sites, the tracks, one track's
// traced paths under a time slider and the radio map as a ground overlay; with --serve also on 127.0.0.1, where
// the page traces any other track on request. The tracks are generated from the scenario (the same as
// trajectories.arrow, deterministic and fast), the paths traced by the raytrace stage.

export const VIEWER_FILE = 'viewer.html';

export interface ViewOptions {
  /** Track whose paths are embedded (default: the first test track). */
  track?: number;
  /** Constellation highlighted (default 1). */
  constellation?: number;
  threads?: number;
  /** Serve on 127.0.0.1 at this port (0: any free port). */
  serve?: { port: number };
  command?: string;
  quiet?: boolean;
  log?: (line: string) => void;
}

export interface ViewResult {
  file: string;
  track: number;
  samples: number;
  paths: number;
  bytes: number;
  seconds: number;
  notes: string[];
  server?: ViewerServer;
}

export async function runView(scenario: Scenario, outDir: string, opts: ViewOptions = {}): Promise<ViewResult> {
  const started = Date.now();
  const threads = opts.threads ?? os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new UserError(`--threads: must be an integer from 1 to 256 (got ${opts.threads})`);
  const count = scenario.constellations.count;
  const constellation = opts.constellation ?? 1;
  if (!Number.isInteger(constellation) || constellation < 1 || constellation > count) throw new UserError(`--constellation: must be an integer from 1 to ${count} (the scenario's constellations.count) (got ${opts.constellation})`);
  const port = opts.serve?.port;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UserError(`--port: must be an integer from 0 to 65535 (0: any free port) (got ${port})`);
  const tracks = generateTracks(scenario.map, scenario.seed, trajectorySettings(scenario));
  const trackId = opts.track ?? tracks.find((t) => t.split === 'test')?.id ?? 0;
  if (!Number.isInteger(trackId) || trackId < 0 || trackId >= tracks.length) throw new UserError(`--track: must be a track id from 0 to ${tracks.length - 1} (got ${opts.track})`);
  const { overlay, note } = radioMapOverlay(scenario, outDir);
  const trace = await traceTrack(scenario, tracks[trackId], threads, opts.quiet ?? true);
  const script = await viewerScript();
  const command = opts.command ?? 'simgen view';
  const file = path.join(outDir, VIEWER_FILE);
  const html = renderPage(pageData(scenario, tracks, trace, overlay, { constellation, serve: false, command }), script);
  writeFileAtomic(file, html);
  const result: ViewResult = { file, track: trackId, samples: trace.t.length, paths: trace.pathSite.length, bytes: Buffer.byteLength(html), seconds: (Date.now() - started) / 1000, notes: note ? [note] : [] };
  if (port !== undefined) {
    const served = renderPage(pageData(scenario, tracks, trace, overlay, { constellation, serve: true, command }), script);
    result.server = await startViewerServer(scenario, tracks, served, trace, { port, threads, log: opts.log });
  }
  return result;
}
