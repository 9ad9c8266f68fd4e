import type { PageData } from './page-data.ts';

// The viewer's HTML: one file holding the style, the data (JSON) and the bundled script, nothing loaded from
// elsewhere, so it opens offline (from a file or from `simgen view --serve`).

/** JSON safe inside a <script> element (no "</script>", no "<!--"). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export function renderPage(data: PageData, script: string): string {
  if (/<\/script/i.test(script)) throw new Error('viewer: the bundled script contains "</script" and cannot be inlined');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>simgen view: ${escapeHtml(data.scenario)}</title>
<style>${STYLE}</style>
</head>
<body>
<div id="app"></div>
<script id="simgen-data" type="application/json">${scriptJson(data)}</script>
<script>${script}</script>
</body>
</html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

const STYLE = `
html, body { margin: 0; height: 100%; overflow: hidden; font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1d1d1f; background: #f4f4f2; }
#app { position: absolute; inset: 0; display: flex; }
#view { position: relative; flex: 1; min-width: 0; }
#view canvas { display: block; }
#panel { width: 340px; flex: none; overflow-y: auto; scrollbar-gutter: stable; background: #fff; border-left: 1px solid #ddd; padding: 10px 12px; box-sizing: border-box; }
#panel h1 { font-size: 15px; margin: 0 0 2px; }
#panel h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #666; margin: 12px 0 4px; }
#panel .cmd { font: 11px ui-monospace, Menlo, Consolas, monospace; color: #666; word-break: break-all; }
#panel label { display: block; margin: 3px 0; }
#panel select { font: inherit; max-width: 100%; }
#slider { width: 100%; margin: 4px 0; }
.row { display: flex; gap: 6px; align-items: center; }
.note { color: #8a5a00; font-size: 12px; }
table.links { border-collapse: collapse; width: 100%; font-size: 12px; font-variant-numeric: tabular-nums; }
table.links th, table.links td { text-align: right; padding: 1px 3px; border-bottom: 1px solid #eee; white-space: nowrap; }
table.links th[title] { cursor: help; }
.hint { color: #666; font-size: 11px; margin-top: 3px; }
table.links th:first-child, table.links td:first-child { text-align: left; }
table.links tr.active td { font-weight: 600; }
.legend div { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.sw { display: inline-block; width: 22px; height: 4px; border-radius: 2px; }
.bar { height: 10px; border: 1px solid #999; margin-top: 2px; }
.barlabels { display: flex; justify-content: space-between; font-size: 11px; color: #555; }
.site-label { font: 600 11px system-ui, sans-serif; color: #111; background: rgba(255,255,255,.8); padding: 0 3px; border-radius: 3px; pointer-events: none; }
.site-label.on { color: #b00000; }
#status { position: absolute; left: 8px; bottom: 6px; font-size: 12px; color: #333; background: rgba(255,255,255,.85); padding: 2px 6px; border-radius: 3px; }
`;
