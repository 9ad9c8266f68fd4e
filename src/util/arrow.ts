import fs from 'node:fs';
import path from 'node:path';
import {
  AsyncByteQueue,
  type DataType,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  type Schema,
  Struct,
  type Table,
  tableFromIPC,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import { tmpPathFor } from './atomic.ts';
import { UserError } from './errors.ts';

// Arrow IPC *file* format I/O shared by every stage: batches stream to a temporary file that is
// renamed when complete (after an fsync), so memory stays bounded and an interrupted run leaves no
// finished-looking file.

/** Column values for one batch: typed arrays for numbers, plain arrays for strings/bools/lists. */
export type ColumnValues = ArrayLike<unknown>;

/**
 * The writer's byte sink: apache-arrow hands every piece of a batch to `write`, which copies it into a 1 MiB
 * buffer flushed to the file descriptor synchronously. Nothing waits in a stream queue, so memory holds at
 * most one batch and the buffer however fast batches come (a loop writing thousands of batches included).
 */
class FdSink extends AsyncByteQueue {
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private used = 0;

  constructor(private readonly fd: number) {
    super();
  }

  // apache-arrow's writer passes Uint8Array views only (RecordBatchWriter._write).
  override write(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.buf.length) this.flush();
    if (bytes.length > this.buf.length) writeAll(this.fd, bytes);
    else {
      this.buf.set(bytes, this.used);
      this.used += bytes.length;
    }
  }

  flush(): void {
    if (this.used > 0) writeAll(this.fd, this.buf.subarray(0, this.used));
    this.used = 0;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) at += fs.writeSync(fd, bytes, at, bytes.length - at);
}

export class ArrowFileWriter {
  private readonly tmp: string;
  private readonly fd: number;
  private readonly sink: FdSink;
  private readonly writer = new RecordBatchFileWriter();
  private closed = false;
  rows = 0;

  constructor(readonly target: string, readonly schema: Schema) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    this.tmp = tmpPathFor(target);
    this.fd = fs.openSync(this.tmp, 'w');
    this.sink = new FdSink(this.fd);
    this.writer.reset(this.sink, schema); // the magic and the schema, so even a file of no batch is complete
  }

  /** Append one record batch; `columns` maps every schema field name to its values. */
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
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.closed = true;
    fs.renameSync(this.tmp, this.target);
  }

  /** Drop the partial file (on error). */
  abort(): void {
    if (!this.closed) fs.closeSync(this.fd);
    this.closed = true;
    fs.rmSync(this.tmp, { force: true });
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

/** Read a whole Arrow IPC file; a missing or unreadable file is a UserError naming it. */
export function readArrowFile(file: string, what = 'Arrow file'): Table {
  if (!fs.existsSync(file)) throw new UserError(`${what} not found: ${file} (run the stage that writes it first)`);
  try {
    return tableFromIPC(fs.readFileSync(file));
  } catch (e) {
    throw new UserError(`${what} ${file} is not a readable Arrow IPC file (${(e as Error).message})`);
  }
}
