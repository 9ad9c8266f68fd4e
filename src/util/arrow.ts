import fs from 'node:fs';
import path from 'node:path';
import {
  AsyncByteQueue,
  type AsyncRecordBatchFileReader,
  type Data,
  DataType,
  Precision,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  RecordBatchReader,
  type Schema,
  Struct,
  RecordBatchFileReader,
  Table,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import { createTemp, discard, publish, writeAll } from './atomic.ts';
import { onFile, UserError } from './errors.ts';
import { shownPath } from './paths.ts';

// Arrow IPC *file* format I/O shared by every stage: batches stream to a temporary file that is
// renamed when complete (after an fsync), so memory stays bounded and an interrupted run leaves no
// finished-looking file.

/** Column values for one batch: typed arrays for numbers, plain arrays for strings/bools/lists, or a column's
 *  Data built directly (large nested columns, which a builder would fill value by value). */
export type ColumnValues = ArrayLike<unknown> | Data;

/**
 * The writer's byte sink: apache-arrow hands every piece of a batch to `write`, which copies it into a 1 MiB
 * buffer flushed to the file descriptor synchronously. Nothing waits in a stream queue, so memory holds at
 * most one batch and the buffer however fast batches come (a loop writing thousands of batches included).
 */
class FdSink extends AsyncByteQueue {
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private used = 0;

  constructor(private readonly fd: number, private readonly file: string) {
    super();
  }

  // apache-arrow's writer passes Uint8Array views only (RecordBatchWriter._write).
  override write(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.buf.length) this.flush();
    if (bytes.length > this.buf.length) onFile(this.file, () => writeAll(this.fd, bytes));
    else {
      this.buf.set(bytes, this.used);
      this.used += bytes.length;
    }
  }

  flush(): void {
    if (this.used > 0) onFile(this.file, () => writeAll(this.fd, this.buf.subarray(0, this.used)));
    this.used = 0;
  }
}

export class ArrowFileWriter {
  private readonly tmp: string;
  private readonly fd: number;
  private readonly sink: FdSink;
  private readonly writer = new RecordBatchFileWriter();
  private closed = false;
  rows = 0;

  constructor(readonly target: string, readonly schema: Schema) {
    const t = createTemp(target);
    this.tmp = t.path;
    this.fd = t.fd;
    this.sink = new FdSink(this.fd, target); // errors name the file being written, not its temporary name
    this.writer.reset(this.sink, schema); // the magic and the schema, so even a file of no batch is complete
  }

  /** Append one record batch; `columns` maps every schema field name to its values. They are copied out
   *  before write returns: the caller may reuse its arrays. */
  write(columns: Record<string, ColumnValues>): void {
    const fields = this.schema.fields;
    const length = columns[fields[0].name].length;
    const children = fields.map((f) => {
      const values = columns[f.name];
      if (!values) throw new Error(`ArrowFileWriter: column ${f.name} missing`);
      if (values.length !== length) throw new Error(`ArrowFileWriter: column ${f.name} has ${values.length} rows, expected ${length}`);
      return (vectorFromArray(values as never, f.type as DataType) as Vector).data[0];
    });
    const data = makeData({ type: new Struct(fields), length, nullCount: 0, children });
    this.writer.write(new RecordBatch(this.schema, data));
    this.rows += length;
  }

  /** Finish the file (footer, fsync) and move it into place. */
  async close(): Promise<void> {
    this.writer.close(); // writes the footer into the sink
    this.sink.flush();
    onFile(this.target, () => fs.fsyncSync(this.fd));
    fs.closeSync(this.fd);
    this.closed = true;
    publish(this.tmp, this.target);
  }

  /** Drop the partial file (on error). */
  abort(): void {
    if (!this.closed) fs.closeSync(this.fd);
    this.closed = true;
    discard(this.tmp);
  }
}

/** Write a whole file: `fill` appends the batches; the file appears only if `fill` completes. Returns the row count. */
export async function writeArrowFile(target: string, schema: Schema, fill: (w: ArrowFileWriter) => void | Promise<void>): Promise<number> {
  const writer = new ArrowFileWriter(target, schema);
  try {
    await fill(writer);
    await writer.close();
    return writer.rows;
  } catch (e) {
    writer.abort();
    throw e;
  }
}

/**
 * A missing input: names the command that makes it (`makeWith`, e.g. "simgen trajectories") with the folder the
 * file was looked for in.
 */
function notFound(file: string, what: string, makeWith?: string): UserError {
  const how = makeWith ? `run "${makeWith} --out ${shownPath(path.dirname(file))}" first (with the same --scenario)` : 'run the stage that writes it first';
  return new UserError(`${what} not found: ${shownPath(file)}; ${how}`);
}

/** Read a whole Arrow IPC file; a missing, unreadable or damaged file is a UserError naming it (and `makeWith`, the command that writes it). */
export function readArrowFile(file: string, what = 'Arrow file', makeWith?: string): Table {
  if (!fs.existsSync(file)) throw notFound(file, what, makeWith);
  try {
    // Batch by batch through the footer's index (readRecordBatch), not tableFromIPC: a damaged footer whose
    // block points at a schema message sends apache-arrow's sequential reader into an endless loop.
    const reader = RecordBatchFileReader.from(fs.readFileSync(file));
    reader.open();
    if (!reader.isFile()) throw new DamagedData('an Arrow stream, not an Arrow IPC file');
    const batches: RecordBatch[] = [];
    for (let i = 0; i < reader.numRecordBatches; i++) {
      const b = reader.readRecordBatch(i);
      if (!b) throw new DamagedData(`record batch ${i} of ${reader.numRecordBatches} is missing`);
      checkData(b.data);
      batches.push(b);
    }
    return new Table(reader.schema, batches);
  } catch (e) {
    throw notReadable(file, what, e);
  }
}

function notReadable(file: string, what: string, e: unknown): Error {
  if (e instanceof UserError) return e;
  if (isTruncated(file)) return new UserError(`${what} ${shownPath(file)} is truncated (it does not end with the Arrow file footer: a copy or a write cut short); rerun the stage that writes it`);
  const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return new UserError(`${what} ${shownPath(file)} is damaged or not an Arrow IPC file (${why.slice(0, 160)}); rerun the stage that writes it`);
}

const ARROW_MAGIC = Buffer.from('ARROW1', 'latin1');

/** An Arrow IPC file that starts as one but lacks the closing magic: cut short. */
function isTruncated(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(6), tail = Buffer.alloc(6);
    fs.readSync(fd, head, 0, 6, 0);
    if (size >= 6) fs.readSync(fd, tail, 0, 6, size - 6);
    return head.equals(ARROW_MAGIC) && (size < 12 || !tail.equals(ARROW_MAGIC));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

class DamagedData extends Error {}

/**
 * Every buffer of `data` (and its children) is long enough for the rows it declares: a damaged file can
 * state more rows than it holds, which apache-arrow reads as short buffers (or garbage) without complaint.
 */
export function checkData(data: Data): void {
  const end = data.offset + data.length;
  const fail = (what: string) => {
    throw new DamagedData(`${String(data.type)} column of ${data.length} rows: ${what}`);
  };
  if (!Number.isSafeInteger(end) || data.offset < 0 || data.length < 0) fail('bad length');
  if (data.nullCount > 0 && (!data.nullBitmap || data.nullBitmap.length * 8 < end)) fail('validity bitmap too short');
  const t = data.type;
  if (DataType.isBool(t)) {
    if (!data.values || data.values.length * 8 < end) fail('values too short');
  } else if (DataType.isInt(t) || DataType.isFloat(t)) {
    if (!data.values || data.values.length < end) fail('values too short');
  } else if (DataType.isUtf8(t) || DataType.isBinary(t) || DataType.isList(t)) {
    const o = data.valueOffsets as Int32Array | undefined;
    if (!o || o.length < end + 1) fail('offsets too short');
    for (let i = data.offset; i < end; i++) if (o![i + 1] < o![i] || o![i] < 0) fail('offsets out of order');
    const last = o![end];
    if (DataType.isList(t)) {
      if (!data.children[0] || data.children[0].length < last) fail('list values too short');
      checkData(data.children[0]);
    } else if (!data.values || data.values.length < last) fail('string bytes too short');
  } else if (DataType.isFixedSizeList(t)) {
    if (!data.children[0] || data.children[0].length < end * t.listSize) fail('list values too short');
    checkData(data.children[0]);
  } else if (DataType.isStruct(t)) {
    for (const c of data.children) {
      if (c.length < end) fail('child column too short');
      checkData(c);
    }
  } else fail('a column type simgen does not write');
}

export type ColumnKind = 'int32' | 'float64' | 'bool' | 'utf8';

function isKind(t: DataType, kind: ColumnKind): boolean {
  if (kind === 'int32') return DataType.isInt(t) && t.bitWidth === 32 && t.isSigned;
  if (kind === 'float64') return DataType.isFloat(t) && t.precision === Precision.DOUBLE;
  if (kind === 'bool') return DataType.isBool(t);
  return DataType.isUtf8(t);
}

/** Index of each named column in `schema`, checked for its type (a damaged or foreign file is a UserError naming the column). */
export function columnIndex<K extends string>(schema: Schema, columns: Record<K, ColumnKind>, file: string): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const [name, kind] of Object.entries(columns) as [K, ColumnKind][]) {
    const i = schema.fields.findIndex((f) => f.name === name);
    if (i < 0) throw new UserError(`${shownPath(file)}: column "${name}" is missing (rerun the stage that writes it)`);
    if (!isKind(schema.fields[i].type, kind)) throw new UserError(`${shownPath(file)}: column "${name}" is ${String(schema.fields[i].type)}, expected ${kind} (rerun the stage that writes it)`);
    out[name] = i;
  }
  return out;
}

/**
 * An Arrow IPC file read one record batch at a time (its footer lists where each batch lies), so a reader
 * holds one batch, not the file. Every batch is checked (checkData); read errors are UserErrors naming the file.
 */
export class ArrowBatchFile {
  private constructor(readonly file: string, readonly what: string, private readonly fh: fs.promises.FileHandle, private readonly reader: AsyncRecordBatchFileReader) {}

  static async open(file: string, what = 'Arrow file', makeWith?: string): Promise<ArrowBatchFile> {
    if (!fs.existsSync(file)) throw notFound(file, what, makeWith);
    const fh = await fs.promises.open(file, 'r');
    try {
      const reader = await RecordBatchReader.from(fh);
      await reader.open({ autoDestroy: false });
      if (!reader.isFile()) throw new UserError(`${what} ${shownPath(file)} is an Arrow stream, not an Arrow IPC file`);
      return new ArrowBatchFile(file, what, fh, reader as AsyncRecordBatchFileReader);
    } catch (e) {
      await fh.close();
      throw notReadable(file, what, e);
    }
  }

  get schema(): Schema {
    return this.reader.schema;
  }

  get numBatches(): number {
    return this.reader.numRecordBatches;
  }

  async batch(i: number): Promise<RecordBatch> {
    try {
      const b = await this.reader.readRecordBatch(i);
      if (!b) throw new DamagedData(`record batch ${i} of ${this.numBatches} is missing`);
      checkData(b.data);
      return b;
    } catch (e) {
      throw notReadable(this.file, this.what, e);
    }
  }

  /** Every batch in file order. */
  async *batches(): AsyncGenerator<RecordBatch> {
    for (let i = 0; i < this.numBatches; i++) yield await this.batch(i);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/** input_key from an Arrow file's schema metadata (reads only the footer); undefined if absent or unreadable. */
export async function recordedInputKey(file: string): Promise<string | undefined> {
  if (!fs.existsSync(file)) return undefined;
  const fh = await fs.promises.open(file, 'r');
  try {
    const reader = await RecordBatchReader.from(fh);
    await reader.open();
    return reader.schema.metadata.get('input_key');
  } catch {
    return undefined;
  } finally {
    await fh.close();
  }
}
