// One colour per model in every plot (train's CDF and the experiment figures), from the colour-blind
// safe Okabe-Ito palette; other series take the palette in order.

export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

const MODEL_COLORS: Record<string, string> = {
  HypLoc: '#0072B2',
  'Single+': '#D55E00',
  Single: '#009E73',
  'Individual+': '#CC79A7',
  Individual: '#E69F00',
};

/** The colour of series `index` labelled `label`: the model's own colour when the label names a model. */
export function seriesColor(label: string, index: number): string {
  return MODEL_COLORS[label] ?? MODEL_COLORS[label.split(' ')[0]] ?? PALETTE[index % PALETTE.length];
}
