import path from 'node:path';

/** A path as the user would type it: relative inside the working directory, absolute outside. */
export function shownPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}
