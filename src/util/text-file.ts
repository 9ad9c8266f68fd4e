import fs from 'node:fs';
import { UserError } from './errors.ts';

// Text inputs (scenarios, maps, receiver lists) are read as strict UTF-8: a byte that is not UTF-8 is refused
// with its offset instead of turning silently into U+FFFD inside a name. An optional size cap refuses a file
// before it is read whole (a 50 MB scenario of aliases once took 1.8 GB).

const strict = new TextDecoder('utf-8', { fatal: true });

/** The file's text; `label` starts every message ("scenario x.yaml", "--rx"). */
export function readTextFile(file: string, label: string, maxBytes = Infinity): string {
  const size = fs.statSync(file).size;
  if (size > maxBytes) throw new UserError(`${label}: the file is ${mib(size)}; the largest allowed is ${mib(maxBytes)}`);
  const bytes = fs.readFileSync(file);
  try {
    return strict.decode(bytes);
  } catch {
    throw new UserError(`${label}: not valid UTF-8 (first bad byte at offset ${firstBadByte(bytes)}); save the file as UTF-8`);
  }
}

const mib = (bytes: number) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${bytes} bytes`);

/** Offset of the first byte that is not UTF-8: where the lenient decoder put its first U+FFFD that the file does
 * not hold as such (EF BF BD). The text before it is valid, so its UTF-8 length is the offset. */
function firstBadByte(bytes: Buffer): number {
  const text = bytes.toString('utf8');
  let offset = 0, from = 0;
  for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) {
    offset += Buffer.byteLength(text.slice(from, i));
    from = i;
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) return offset;
  }
  return offset;
}
