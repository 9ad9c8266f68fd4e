import type { Vec3 } from '../scene/types.ts';

/** Interaction at an interior path vertex: specular reflection on a surface or diffraction on an edge. */
export type InteractionKind = 'R' | 'D';

/**
 * One exact propagation path between a site (gNB) and a UE, found by the path search
 * (src/raytrace) and handed to the field calculator (src/radio/field.ts).
 * vertices[0] is the site's antenna, vertices[last] the UE's antenna; interior vertex i+1 is the
 * interaction kinds[i] on surface ids[i] (kind 'R') or edge ids[i] (kind 'D').
 */
export interface PropagationPath {
  vertices: Vec3[];
  kinds: InteractionKind[];
  ids: number[];
}

/** "LOS", "R", "RR", "D", "RD", ...: the interaction sequence from the site toward the UE. */
export function interactionLabel(p: PropagationPath): string {
  return p.kinds.length === 0 ? 'LOS' : p.kinds.join('');
}
