import { z } from 'zod';
import { UserError } from './errors.ts';

/** "sites.positions[3].x" from a zod issue path. */
export function fieldName(path: PropertyKey[]): string {
  let s = '';
  for (const k of path) s += typeof k === 'number' ? `[${k}]` : s ? `.${String(k)}` : String(k);
  return s || '(top level)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const i = issue as z.core.$ZodIssue & Record<string, unknown>;
  switch (issue.code) {
    case 'too_small':
      return `must be ${i.inclusive ? '>=' : '>'} ${String(i.minimum)}${i.origin === 'array' ? ' items' : ''}`;
    case 'too_big':
      return `must be ${i.inclusive ? '<=' : '<'} ${String(i.maximum)}${i.origin === 'array' ? ' items' : ''}`;
    case 'unrecognized_keys':
      return `unknown key(s) ${(i.keys as string[]).map((k) => `"${k}"`).join(', ')}; allowed keys are listed in README "Scenario format"`;
    case 'invalid_value':
      return `must be one of ${(i.values as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_type':
      if (i.expected === 'nonoptional') return 'must be given';
      return `must be ${i.expected === 'int' ? 'an integer' : `${/^[aeio]/.test(String(i.expected)) ? 'an' : 'a'} ${String(i.expected)}`}`;
    default:
      return issue.message;
  }
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let v: unknown = data;
  for (const k of path) v = v != null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** A value as the user wrote it; JSON would show a number beyond a double (1e400 reads as Infinity) as null. */
function shownValue(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : `${v < 0 ? '-' : ''}a number beyond the largest double, 1.8e308`;
  return JSON.stringify(v);
}

/** Parse with a zod schema; on failure throw one UserError naming the field, the rule and the value. */
export function parseOrThrow<S extends z.ZodType>(schema: S, data: unknown, where: string, prefix: PropertyKey[] = []): z.infer<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const got = issue.code === 'unrecognized_keys' ? undefined : valueAt(data, issue.path);
  const gotText = got === undefined ? (issue.code === 'invalid_type' ? ' (missing)' : '') : ` (got ${shownValue(got)})`;
  throw new UserError(`${where}: field "${fieldName([...prefix, ...issue.path])}" ${describeIssue(issue)}${gotText}`);
}

/**
 * A number in [min, max] ((min, max] with `exclusiveMin`); when out of range the message states the
 * whole allowed range and unit, not just the one bound that failed.
 */
export function numberIn(min: number, max: number, unit = '', opts: { exclusiveMin?: boolean; int?: boolean } = {}) {
  const fmt = (v: number) => (Math.abs(v) >= 1e6 ? v.toExponential().replace('e+', 'e') : String(v));
  const range = `${opts.int ? 'an integer' : 'a number'} ${opts.exclusiveMin ? '>' : '>='} ${fmt(min)} and <= ${fmt(max)}${unit ? ` ${unit}` : ''}`;
  return z
    .number()
    .refine((v) => (opts.exclusiveMin ? v > min : v >= min) && v <= max && (!opts.int || Number.isInteger(v)), { message: `must be ${range}` });
}
