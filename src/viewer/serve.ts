import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Track } from '../mobility/types.ts';
import type { Scenario } from '../scenario/load.ts';
import { UserError } from '../util/errors.ts';
import type { TrackTrace } from './page-data.ts';
import { traceTrack } from './trace-track.ts';

// `simgen view --serve`: the page on 127.0.0.1 (never another interface), and the trace of any track on request
// (GET /track/<id>.json, traced once, then kept). One trace runs at a time.

export interface ViewerServer {
  url: string;
  close(): Promise<void>;
}

export async function startViewerServer(scenario: Scenario, tracks: Track[], page: string, first: TrackTrace, opts: { port: number; threads: number; log?: (line: string) => void }): Promise<ViewerServer> {
  const traces = new Map<number, Promise<string>>([[first.track, Promise.resolve(JSON.stringify(first))]]);
  let queue: Promise<unknown> = Promise.resolve();
  const traceOf = (id: number): Promise<string> => {
    let p = traces.get(id);
    if (!p) {
      const t0 = Date.now();
      p = queue.then(() => traceTrack(scenario, tracks[id], opts.threads)).then((tr) => {
        opts.log?.(`traced track ${id} (${tracks[id].samples.length} samples) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        return JSON.stringify(tr);
      });
      queue = p.catch(() => {});
      traces.set(id, p);
    }
    return p;
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (code: number, type: string, body: string) => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, 'text/plain', 'GET only\n');
    if (url.pathname === '/' || url.pathname === '/index.html') return send(200, 'text/html; charset=utf-8', page);
    const m = /^\/track\/(\d+)\.json$/.exec(url.pathname);
    if (m && Number(m[1]) < tracks.length) {
      traceOf(Number(m[1])).then((body) => send(200, 'application/json', body), (e: Error) => send(500, 'text/plain', `${e.message}\n`));
      return;
    }
    send(404, 'text/plain', `not found: ${url.pathname}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' || e.code === 'EACCES' ? new UserError(`--port ${opts.port}: cannot listen on 127.0.0.1 (${e.code}); choose another port, or 0 for any free one`) : e),
    );
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
