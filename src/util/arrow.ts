import fs from 'node:fs';
import path from 'node:path';
import {
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
import { shownPath } from './paths.ts';

// Arrow IPC *file* format I/O shared by every stage: batches stream to a temporary file that is
// renamed when complete, so memory stays bounded and an interrupted run leaves no finished-looking file.

/** Column values for one batch: typed arrays for numbers, plain arrays for strings/bools/lists. */
export type ColumnValues = ArrayLike<unknown>;

export class ArrowFileWriter {
  private readonly tmp: string;
  private readonly writer = RecordBatchFileWriter.throughNode();
  private readonly stream: fs.WriteStream;
  private readonly finished: Promise<void>;
  rows = 0;

  constructor(readonly target: string, readonly schema: Schema) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    this.tmp = tmpPathFor(target);
    this.stream = fs.createWriteStream(this.tmp);
    this.writer.pipe(this.stream);
    this.finished = new Promise((resolve, reject) => {
      this.stream.on('finish', resolve);
      this.stream.on('error', reject);
    });
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

  /** Finish the file and move it into place. */
  async close(): Promise<void> {
    this.writer.end();
    await this.finished;
    fs.renameSync(this.tmp, this.target);
  }

  /** Drop the partial file (on error). */
  abort(): void {
    this.stream.destroy();
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
  if (!fs.existsSync(file)) throw new UserError(`${what} not found: ${shownPath(file)} (run the stage that writes it first)`);
  try {
    return tableFromIPC(fs.readFileSync(file));
  } catch (e) {
    throw new UserError(`${what} ${file} is not a readable Arrow IPC file (${(e as Error).message})`);
  }
}
