import { UserError } from '../../util/errors.ts';

// DeepMIMO's interaction codes (deepmimo/consts.py, INTERACTION_*): one decimal digit per interaction,
// read from the transmitter end (here the site), so 121 = reflection, diffraction, reflection; 0 = LOS.
// paths.arrow spells a path "LOS" or as one letter per interaction from the site toward the UE.

export const INTERACTION_CODES: Readonly<Record<string, number>> = {
  R: 1, // specular reflection
  D: 2, // edge diffraction
  S: 3, // diffuse scattering
  T: 4, // transmission (refraction)
};

export interface PathKind {
  /** DeepMIMO code: the digits of the interactions in path order, 0 for LOS. */
  code: number;
  /** Number of interactions (vertices between the site and the UE). */
  depth: number;
}

/** "LOS" -> 0, "RDR" -> 121; an unknown letter is a UserError naming it (`where` says which row). */
export function pathKind(label: string, where: string): PathKind {
  if (label === 'LOS') return { code: 0, depth: 0 };
  let code = 0;
  for (const letter of label) {
    const digit = INTERACTION_CODES[letter];
    if (digit === undefined)
      throw new UserError(`${where}: interaction "${letter}" in "${label}" has no DeepMIMO code; allowed: LOS, ${Object.keys(INTERACTION_CODES).join(', ')}`);
    code = code * 10 + digit;
  }
  if (label.length === 0) throw new UserError(`${where}: empty "interactions" (LOS paths are spelled "LOS")`);
  // The codes are stored as float32, exact up to 2^24: 7 interactions at most.
  if (label.length > 7) throw new UserError(`${where}: path "${label}" has ${label.length} interactions; a DeepMIMO code holds at most 7`);
  return { code, depth: label.length };
}
