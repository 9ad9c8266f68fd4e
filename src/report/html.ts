import type { Figure } from './figures.ts';

// report.html: one self-contained page (the SVGs inline, no script, no external file) with every figure and
// its caption.

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function reportHtml(title: string, intro: string, figures: Figure[]): string {
  const body = figures.map((f) => [
    `<section id="${f.id}">`,
    `<h2>${esc(f.title)}</h2>`,
    `<div class="figs">${f.svgs.map(([, svg]) => svg.replace(/^<\?xml[^>]*>\s*/, '')).join('\n')}</div>`,
    `<p>${esc(f.caption)}</p>`,
    '</section>',
  ].join('\n'));
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(title)}</title>`,
    '<style>body{font-family:sans-serif;max-width:1300px;margin:2em auto;padding:0 1em;color:#222}',
    '.figs{display:flex;flex-wrap:wrap;gap:12px}.figs svg{max-width:100%;height:auto;border:1px solid #ddd}',
    'p{max-width:60em;line-height:1.4}section{margin-bottom:2.5em}</style>',
    '</head><body>',
    `<h1>${esc(title)}</h1>`,
    `<p>${esc(intro)}</p>`,
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}
