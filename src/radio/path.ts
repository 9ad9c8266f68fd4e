import type { Vec3 } from '../scene/types.ts';

/**
 * Interaction at an interior path vertex: specular reflection on a surface, diffraction on an edge, or
 * diffuse scattering from a surface tile (always the last interaction before the UE).
 */
export type InteractionKind = 'R' | 'D' | 'S';

// The path record: what the ray tracer's search (src/raytrace) finds and what the field calculator
// (field.ts) and the channel stages downstream read. It lives here, below the ray tracer, so that the
// radio physics never imports the ray tracer.

/**
 * One exact propagation path between a site (gNB) and a UE, found by the path search
 * (src/raytrace) and handed to the field calculator (src/radio/field.ts).
 * vertices[0] is the site's antenna, vertices[last] the UE's antenna; interior vertex i+1 is the
 * interaction kinds[i] on surface ids[i] (kinds 'R', 'S') or edge ids[i] (kind 'D'). A diffuse path ('S')
 * stands for a group of tiles of one surface; its vertex is the centre of the group's strongest tile.
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
