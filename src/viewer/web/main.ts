import { css, NOT_HEARD, siteColour, viridis } from '../../viz/colormap.ts';
import type { PageData, TrackTrace } from '../page-data.ts';
import { decodeOverlay, type OverlayMode, overlayTexels } from './overlay.ts';
import { type ColourMode, PATH_TYPES, pathLines } from './paths.ts';
import { ViewerScene } from './scene.ts';

// The viewer page: reads the embedded data, builds the 3D scene and the side panel (track, time slider, colour
// mode, constellation, radio-map overlay, the sites that hear the current sample, legends) and wires them.
// window.simgenViewer reports what is shown, for the browser test.

declare global {
  interface Window {
    simgenViewer?: { ready: boolean; sample: number; track: number; pathsShown: number; pathsSignature: string; error?: string };
  }
}

const data = JSON.parse(document.getElementById('simgen-data')!.textContent!) as PageData;
const siteIndex = (id: number) => data.sites.findIndex((s) => s.id === id);
const fixed = (v: number | null, d: number) => (v === null ? '' : v.toFixed(d).replace(/^-(0\.?0*)$/, '$1'));

const app = document.getElementById('app')!;
app.innerHTML = `
<div id="view"><div id="status"></div></div>
<div id="panel">
  <h1>simgen view: ${data.scenario}</h1>
  <div class="cmd">${data.command.replace(/</g, '&lt;')}</div>
  <h2>Track</h2>
  <div class="row"><select id="track"></select><span id="tracknote" class="note"></span></div>
  <input id="slider" type="range" min="0" value="0" step="1" aria-label="sample">
  <div class="row"><button id="play" type="button">play</button><span id="sampleinfo"></span></div>
  <h2>Paths</h2>
  <label><input type="radio" name="colour" value="type" checked> colour by type</label>
  <label><input type="radio" name="colour" value="power"> colour by power</label>
  <label>sites <select id="pathsites"><option value="all">all that hear the UE</option><option value="constellation">the constellation's only</option></select></label>
  <div id="pathlegend" class="legend"></div>
  <h2>Sites that hear the UE</h2>
  <table class="links"><thead><tr><th>site</th><th title="received power">dBm</th><th title="time of flight">ToF ns</th><th title="angle of arrival at the site: azimuth">az°</th><th title="angle of arrival at the site: elevation">el°</th><th title="interactions of the strongest path">path</th></tr></thead><tbody id="links"></tbody></table>
  <div class="hint">● in the constellation; az°, el°: angle of arrival at the site; path: the strongest path (LOS, R reflection, D diffraction, S diffuse scattering)</div>
  <h2>Constellation</h2>
  <select id="constellation"></select>
  <h2>Radio map</h2>
  <select id="overlay"></select>
  <div id="overlaylegend" class="legend"></div>
  <h2>Display</h2>
  <label><input id="solid" type="checkbox"> solid buildings</label>
  <div class="legend"><div><span class="sw" style="background:#d9480f"></span>test tracks</div><div><span class="sw" style="background:#8aa4bf"></span>train tracks</div><div><span class="sw" style="background:#000"></span>current track</div></div>
</div>`;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const view = new ViewerScene($('view'), data);
const slider = $<HTMLInputElement>('slider');
const power = { floor: data.txPowerDbm - data.cutoffDb, max: data.radiomap?.maxDbm ?? data.txPowerDbm - 60 };

let trace: TrackTrace = data.trace;
let sample = 0;
let colourMode: ColourMode = 'type';
let constellation = data.constellation;
const state = { ready: false, sample: 0, track: trace.track, pathsShown: 0, pathsSignature: '' };
window.simgenViewer = state;

// Track list: the embedded track first; the others are traced on request when served.
const trackSel = $<HTMLSelectElement>('track');
for (const t of data.tracks) trackSel.add(new Option(`track ${t.id} (${t.split})`, String(t.id), false, t.id === trace.track));
trackSel.addEventListener('change', () => void loadTrack(Number(trackSel.value)));

const constSel = $<HTMLSelectElement>('constellation');
for (const c of data.constellations) constSel.add(new Option(`#${c.id}: sites ${c.sites.join(', ')}`, String(c.id), false, c.id === constellation));
constSel.addEventListener('change', () => {
  constellation = Number(constSel.value);
  drawOverlay();
  showSample();
});

slider.addEventListener('input', () => {
  sample = Number(slider.value);
  showSample();
});
document.querySelectorAll<HTMLInputElement>('input[name=colour]').forEach((r) =>
  r.addEventListener('change', () => {
    colourMode = r.value as ColourMode;
    showSample();
  }),
);
$<HTMLSelectElement>('pathsites').addEventListener('change', () => showSample());
$<HTMLInputElement>('solid').addEventListener('change', (e) => view.setBuildingsOpacity((e.target as HTMLInputElement).checked ? 1 : 0.55));

let timer: number | undefined;
$('play').addEventListener('click', () => {
  if (timer !== undefined) return stop();
  $('play').textContent = 'pause';
  const dt = trace.t.length > 1 ? (trace.t[1] - trace.t[0]) * 1000 : 100;
  timer = window.setInterval(() => {
    if (sample >= trace.t.length - 1) return stop();
    sample++;
    slider.value = String(sample);
    showSample();
  }, dt);
});
function stop(): void {
  window.clearInterval(timer);
  timer = undefined;
  $('play').textContent = 'play';
}

// Radio map overlay.
const overlaySel = $<HTMLSelectElement>('overlay');
const decoded = data.radiomap ? decodeOverlay(data.radiomap) : null;
if (decoded) {
  overlaySel.add(new Option('off', 'off'));
  const ids = decoded.map.siteIds;
  const over = ids.length === data.sites.length ? 'all sites' : `sites ${ids.join(', ')}`;
  overlaySel.add(new Option(`maximum over ${over}`, 'max', true, true));
  overlaySel.add(new Option('maximum over the constellation', 'max-c'));
  overlaySel.add(new Option(`best server (${over})`, 'best'));
  for (const id of decoded.map.siteIds) overlaySel.add(new Option(`site ${id}`, `site-${id}`));
} else {
  overlaySel.add(new Option('none: run "simgen radiomap" first', 'off'));
  overlaySel.disabled = true;
}
overlaySel.addEventListener('change', () => drawOverlay());

function overlayMode(): OverlayMode {
  const v = overlaySel.value;
  const cs = data.constellations.find((c) => c.id === constellation)!.sites;
  if (v === 'max') return { kind: 'max', sites: null };
  if (v === 'max-c') return { kind: 'max', sites: cs };
  if (v === 'best') return { kind: 'best', sites: null };
  if (v.startsWith('site-')) return { kind: 'site', site: Number(v.slice(5)) };
  return { kind: 'off' };
}

function drawOverlay(): void {
  const mode = overlayMode();
  const legend = $('overlaylegend');
  if (!decoded || mode.kind === 'off') {
    view.setOverlay(null, null);
    legend.innerHTML = '';
    return;
  }
  view.setOverlay(overlayTexels(decoded, mode, siteIndex), decoded.map);
  const m = decoded.map;
  const heardNote = `<div><span class="sw" style="height:10px;background:${css(NOT_HEARD)}"></span>not heard (&gt; ${data.cutoffDb} dB)</div>`;
  legend.innerHTML = mode.kind === 'best'
    ? m.siteIds.map((id) => `<div><span class="sw" style="height:10px;background:${css(siteColour(siteIndex(id)))}"></span>site ${id}</div>`).join('') + heardNote
    : `received power (dBm), ${m.cell} m cells at ${m.height} m${colourBar(m.floorDbm, m.maxDbm)}${heardNote}`;
}

function colourBar(lo: number, hi: number): string {
  const stops = Array.from({ length: 11 }, (_, k) => `${css(viridis(k / 10))} ${k * 10}%`).join(',');
  const mid = Math.round((lo + hi) / 2);
  return `<div class="bar" style="background:linear-gradient(to right,${stops})"></div><div class="barlabels"><span>${Math.round(lo)}</span><span>${mid}</span><span>${Math.round(hi)}</span></div>`;
}

function pathLegend(): void {
  $('pathlegend').innerHTML = colourMode === 'type'
    ? PATH_TYPES.map((t) => `<div><span class="sw" style="background:${css(t.colour)}"></span>${t.label}</div>`).join('')
    : `power of the path (dBm)${colourBar(power.floor, power.max)}`;
}

function showSample(): void {
  const tr = trace;
  const ns = tr.sites.length;
  const cs = new Set(data.constellations.find((c) => c.id === constellation)!.sites);
  const onlyConst = $<HTMLSelectElement>('pathsites').value === 'constellation';
  const siteFilter = onlyConst ? new Set(tr.sites.map((id, k) => (cs.has(id) ? k : -1)).filter((k) => k >= 0)) : null;
  const lines = pathLines(tr, sample, colourMode, power, siteFilter);
  view.setSample(tr.x[sample], tr.y[sample], tr.z[sample], lines);
  const heard = new Set<number>();
  const rows: string[] = [];
  const order = Array.from({ length: ns }, (_, s) => s).filter((s) => tr.heard[sample * ns + s]);
  order.sort((a, b) => (tr.power[sample * ns + b] ?? -999) - (tr.power[sample * ns + a] ?? -999));
  for (const s of order) {
    const r = sample * ns + s;
    heard.add(tr.sites[s]);
    rows.push(`<tr class="${cs.has(tr.sites[s]) ? 'active' : ''}"><td>${tr.sites[s]}${cs.has(tr.sites[s]) ? ' ●' : ''}</td><td>${fixed(tr.power[r], 1)}</td><td>${fixed(tr.tof[r], 1)}</td><td>${fixed(tr.azimuth[r], 1)}</td><td>${fixed(tr.elevation[r], 1)}</td><td>${tr.strongest[r]}</td></tr>`);
  }
  $('links').innerHTML = rows.join('') || '<tr><td colspan="6">no site hears this sample</td></tr>';
  view.markSites(cs, heard);
  $('sampleinfo').textContent = `sample ${sample} / ${tr.t.length - 1}, t = ${tr.t[sample].toFixed(1)} s, (${tr.x[sample].toFixed(1)}, ${tr.y[sample].toFixed(1)}) m`;
  $('status').textContent = `${lines.count} paths shown (at most ${data.maxPathsShown} a site, strongest first); ${heard.size} sites hear the UE`;
  pathLegend();
  // What the browser test reads: the sample and a signature of the path geometry on screen.
  let sig = 0;
  for (let k = 0; k < lines.positions.length; k++) sig = (sig * 31 + Math.round(lines.positions[k] * 100)) | 0;
  Object.assign(state, { sample, track: tr.track, pathsShown: lines.count, pathsSignature: `${lines.count}:${sig >>> 0}` });
  document.body.dataset.paths = state.pathsSignature;
}

async function loadTrack(id: number): Promise<void> {
  stop();
  view.showTrack(id);
  $('tracknote').textContent = '';
  if (id !== trace.track) {
    if (!data.serve) {
      // This file holds one track's paths; say how to get another's and stay on it.
      $('tracknote').textContent = `track ${id}'s paths: simgen view --track ${id}, or --serve`;
      trackSel.value = String(trace.track);
      view.showTrack(trace.track);
      return;
    }
    $('tracknote').textContent = 'tracing...';
    const res = await fetch(`track/${id}.json`);
    if (!res.ok) {
      $('tracknote').textContent = `tracing failed: ${await res.text()}`;
      return;
    }
    trace = (await res.json()) as TrackTrace;
    $('tracknote').textContent = '';
  }
  sample = 0;
  slider.max = String(trace.t.length - 1);
  slider.value = '0';
  showSample();
}

// Settings from the address's fragment, e.g. viewer.html#sample=350&colour=power&overlay=site-5&paths=constellation.
const hash = new URLSearchParams(location.hash.slice(1));
const pick = (sel: HTMLSelectElement, v: string | null) => v !== null && [...sel.options].some((o) => o.value === v) && (sel.value = v);
pick(overlaySel, hash.get('overlay'));
pick($<HTMLSelectElement>('pathsites'), hash.get('paths'));
if (hash.get('colour') === 'power') {
  colourMode = 'power';
  document.querySelector<HTMLInputElement>('input[name=colour][value=power]')!.checked = true;
}
view.showTrack(trace.track);
slider.max = String(trace.t.length - 1);
sample = Math.min(trace.t.length - 1, Math.max(0, Math.round(Number(hash.get('sample') ?? 0)) || 0));
slider.value = String(sample);
drawOverlay();
showSample();
state.ready = true;
