// What the viewer's page receives (embedded as JSON in the HTML, or fetched from `simgen view --serve`): types
// only, shared by the Node side (src/viewer) and the browser code (src/viewer/web). Numbers are rounded
// (0.01 m, 0.01 dB, 0.01 ns) to keep the page small.

export interface PageData {
  scenario: string;
  /** The command line shown in the page's header. */
  command: string;
  map: {
    width: number;
    height: number;
    buildings: { id: number; footprint: [number, number][]; height: number }[];
    streets: { line: [number, number][]; width: number }[];
    pedestrian: [number, number][][];
  };
  sites: { id: number; x: number; y: number; z: number }[];
  constellations: { id: number; sites: number[] }[];
  /** The constellation highlighted first. */
  constellation: number;
  tracks: { id: number; split: 'train' | 'test'; xy: number[] }[];
  txPowerDbm: number;
  cutoffDb: number;
  /** Paths shown per heard link (the strongest). */
  maxPathsShown: number;
  /** The track whose paths are embedded, and its trace. */
  trace: TrackTrace;
  /** The radio map of <out>/radiomap/radiomap.arrow, when it exists and belongs to this scenario. */
  radiomap: RadioMapOverlay | null;
  /** Served by `simgen view --serve`: other tracks are traced on request at /track/<id>.json. */
  serve: boolean;
}

/** Per-sample links and paths of one track. Link row = sample * sites.length + site index. */
export interface TrackTrace {
  track: number;
  split: 'train' | 'test';
  /** Site ids, the column order of the link arrays. */
  sites: number[];
  t: number[];
  x: number[];
  y: number[];
  z: number[];
  heard: number[];
  /** Null where the link has no path. */
  power: (number | null)[];
  tof: (number | null)[];
  azimuth: (number | null)[];
  elevation: (number | null)[];
  numPaths: number[];
  /** Interactions of the strongest path ("LOS", "R", "RS", ...), "" without a path. */
  strongest: string[];
  /** Paths of the heard links (at most MAX_PATHS_SHOWN a link, strongest first): sample s has pathStart[s] ..< pathStart[s + 1]. */
  pathStart: number[];
  pathSite: number[];
  pathKind: string[];
  pathPower: number[];
  /** Vertices of path p: verts[3 * vertStart[p] ..< 3 * vertStart[p + 1]], site first, UE last (0.1 m). */
  vertStart: number[];
  verts: number[];
}

/** Received power per open cell and site, quantised: 0 = not heard, 1..255 = floorDbm..maxDbm. */
export interface RadioMapOverlay {
  cell: number;
  nx: number;
  ny: number;
  height: number;
  siteIds: number[];
  floorDbm: number;
  maxDbm: number;
  /** Open cells (j * nx + i), base64 of an Int32Array (little-endian). */
  cells: string;
  /** base64 of a Uint8Array, cell-major: cells.length * siteIds.length. */
  levels: string;
}
