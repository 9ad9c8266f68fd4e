import os from 'node:os';
import path from 'node:path';
import { generateTracks } from '../mobility/drive.ts';
import type { Scenario } from '../scenario/load.ts';
import { writeFileAtomic } from '../util/atomic.ts';
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

/** The options, checked by the CLI against the scenario (src/cli/view.ts). */
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
  const constellation = opts.constellation ?? 1;
  const port = opts.serve?.port;
  const tracks = generateTracks(scenario.map, scenario.seed, scenario.trajectories);
  const trackId = opts.track ?? tracks.find((t) => t.split === 'test')?.id ?? 0;
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
