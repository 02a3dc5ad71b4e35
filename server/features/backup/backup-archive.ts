import { createHash, type Hash } from 'node:crypto';
import readline from 'node:readline';
import { Readable, type Writable } from 'node:stream';
import zlib from 'node:zlib';

/**
 * The backup archive: gzip-compressed NDJSON, one JSON value per line, readable with `zcat | jq`.
 *   header   {"format":"lagesbild-backup","format_version":1,"schema_version":…,"migrations":[…],
 *             "municipalities":[…],"created_at":…,"backend":…}
 *   per table {"table":…,"columns":[…]}, then one JSON array per row (every value as PostgreSQL
 *             text, or null), so values round-trip exactly through a cast on either backend
 *   trailer  {"trailer":true,"counts":{table:rows},"sha256":…}: the hash of every line before it
 * A reader refuses a file without its trailer (truncated) or whose hash or counts disagree (tampered).
 */
export const ARCHIVE_FORMAT = 'lagesbild-backup';
export const ARCHIVE_FORMAT_VERSION = 1;

export interface ArchiveHeader {
  format: typeof ARCHIVE_FORMAT;
  format_version: number;
  /** The last migration applied to the database the archive came from. */
  schema_version: string;
  migrations: string[];
  municipalities: string[];
  created_at: string;
  backend: string;
}

export interface ArchiveTable {
  table: string;
  columns: string[];
}

export type ArchiveRow = (string | null)[];

export interface ArchiveTrailer {
  trailer: true;
  counts: Record<string, number>;
  sha256: string;
}

/** A damaged, truncated, tampered or foreign archive; nothing has been written when it is thrown. */
export class ArchiveError extends Error {}

/** Writes an archive to out, line by line with backpressure. */
export class ArchiveWriter {
  private readonly gzip = zlib.createGzip({ level: 1 });
  private readonly hash: Hash = createHash('sha256');
  private readonly counts: Record<string, number> = {};
  private current: string | undefined;
  private buffer: string[] = [];
  private bufferBytes = 0;
  private readonly finished: Promise<void>;

  constructor(out: Writable) {
    this.gzip.pipe(out);
    this.finished = new Promise((resolve, reject) => {
      out.once('finish', resolve);
      out.once('close', resolve);
      out.once('error', reject);
      this.gzip.once('error', reject);
    });
    // Surfaced through `finished`; without a listener the error would crash the process.
    this.finished.catch(() => undefined);
  }

  async header(header: Omit<ArchiveHeader, 'format' | 'format_version'>): Promise<void> {
    await this.line(JSON.stringify({ format: ARCHIVE_FORMAT, format_version: ARCHIVE_FORMAT_VERSION, ...header }));
  }

  async table(table: string, columns: string[]): Promise<void> {
    this.current = table;
    this.counts[table] = 0;
    await this.line(JSON.stringify({ table, columns }));
  }

  async rows(rows: ArchiveRow[]): Promise<void> {
    await this.rawRows(rows.map((row) => JSON.stringify(row)));
  }

  /** Rows already encoded as JSON arrays (the database builds them: no parse and re-encode here). */
  async rawRows(lines: string[]): Promise<void> {
    if (this.current === undefined) throw new Error('rows before a table');
    this.counts[this.current] += lines.length;
    for (const line of lines) await this.line(line);
  }

  async finish(): Promise<Record<string, number>> {
    const sha256 = this.hash.digest('hex');
    // The trailer is not part of its own hash.
    this.buffer.push(`${JSON.stringify({ trailer: true, counts: this.counts, sha256 })}\n`);
    await this.flush();
    this.gzip.end();
    await this.finished;
    return this.counts;
  }

  /** Stops writing after a failure; the partial file has no trailer, so no reader accepts it. */
  abort(error: Error): void {
    this.gzip.destroy(error);
  }

  private async line(text: string): Promise<void> {
    const line = `${text}\n`;
    this.hash.update(line);
    this.buffer.push(line);
    this.bufferBytes += line.length;
    if (this.bufferBytes >= 256 * 1024) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.buffer.length) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.bufferBytes = 0;
    if (!this.gzip.write(chunk)) await new Promise<void>((resolve) => this.gzip.once('drain', resolve));
  }
}

export type ArchiveEvent =
  | { kind: 'header'; header: ArchiveHeader }
  | { kind: 'table'; table: ArchiveTable }
  | { kind: 'rows'; table: string; rows: ArchiveRow[] }
  | { kind: 'trailer'; trailer: ArchiveTrailer };

function parseLine(line: string, lineNumber: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new ArchiveError(`The backup file is damaged: line ${lineNumber} is not valid JSON`);
  }
}

function isHeader(value: unknown): value is ArchiveHeader {
  const h = value as ArchiveHeader;
  return (
    typeof h === 'object' && h !== null && h.format === ARCHIVE_FORMAT && typeof h.schema_version === 'string' &&
    Array.isArray(h.migrations) && h.migrations.every((m) => typeof m === 'string') &&
    Array.isArray(h.municipalities) && typeof h.created_at === 'string'
  );
}

/**
 * Reads an archive as events, rows in blocks of up to blockRows. Verification is complete only when
 * the trailer event has been yielded: consumers must treat everything before it as unconfirmed (a
 * restore writes in a transaction it commits after that).
 */
export async function* readArchive(input: Readable | AsyncIterable<Uint8Array>, blockRows = 2000): AsyncGenerator<ArchiveEvent> {
  const gunzip = zlib.createGunzip();
  const source = input instanceof Readable ? input : Readable.from(input);
  source.on('error', (error) => gunzip.destroy(error));
  // readline does not always forward its input's errors: keep them and raise them after the loop.
  let streamError: Error | undefined;
  gunzip.on('error', (error) => {
    streamError ??= error;
    lines.close();
  });
  source.pipe(gunzip);
  const lines = readline.createInterface({ input: gunzip, crlfDelay: Infinity });
  // readline re-emits its input's errors on itself; unheard, they would crash the process.
  lines.on('error', (error) => {
    streamError ??= error;
  });
  const hash = createHash('sha256');
  const counts: Record<string, number> = {};
  let header: ArchiveHeader | undefined;
  let table: ArchiveTable | undefined;
  let block: ArchiveRow[] = [];
  let trailer: ArchiveTrailer | undefined;
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      if (streamError) break;
      lineNumber++;
      if (trailer) throw new ArchiveError('The backup file is damaged: data after its end marker');
      const value = parseLine(line, lineNumber);
      if (!header) {
        if (!isHeader(value)) throw new ArchiveError('Not a Lägesbild backup file (no backup header)');
        if (value.format_version > ARCHIVE_FORMAT_VERSION) {
          throw new ArchiveError(`The backup file has format version ${value.format_version}; this version of Lägesbild reads up to ${ARCHIVE_FORMAT_VERSION}. Upgrade Lägesbild first.`);
        }
        header = value;
        hash.update(`${line}\n`);
        yield { kind: 'header', header };
        continue;
      }
      if (Array.isArray(value)) {
        if (!table) throw new ArchiveError(`The backup file is damaged: a row before any table (line ${lineNumber})`);
        if (value.length !== table.columns.length || !value.every((v) => v === null || typeof v === 'string')) {
          throw new ArchiveError(`The backup file is damaged: line ${lineNumber} does not match the columns of ${table.table}`);
        }
        hash.update(`${line}\n`);
        counts[table.table]++;
        block.push(value as ArchiveRow);
        if (block.length >= blockRows) {
          yield { kind: 'rows', table: table.table, rows: block };
          block = [];
        }
        continue;
      }
      if (block.length && table) {
        yield { kind: 'rows', table: table.table, rows: block };
        block = [];
      }
      const object = value as Partial<ArchiveTable & ArchiveTrailer>;
      if (object?.trailer === true) {
        if (typeof object.sha256 !== 'string' || typeof object.counts !== 'object' || object.counts === null) {
          throw new ArchiveError('The backup file is damaged: its end marker is malformed');
        }
        if (object.sha256 !== hash.digest('hex')) throw new ArchiveError('The backup file has been altered or damaged: its checksum does not match');
        const expected = object.counts as Record<string, number>;
        const tables = new Set([...Object.keys(expected), ...Object.keys(counts)]);
        for (const t of tables) {
          if (expected[t] !== counts[t]) throw new ArchiveError(`The backup file is damaged: table ${t} has ${counts[t] ?? 0} rows, its end marker says ${expected[t] ?? 0}`);
        }
        trailer = object as ArchiveTrailer;
        continue;
      }
      if (typeof object?.table === 'string' && Array.isArray(object.columns) && object.columns.every((c) => typeof c === 'string')) {
        if (object.table in counts) throw new ArchiveError(`The backup file is damaged: table ${object.table} appears twice`);
        table = { table: object.table, columns: object.columns };
        counts[table.table] = 0;
        hash.update(`${line}\n`);
        yield { kind: 'table', table };
        continue;
      }
      throw new ArchiveError(`The backup file is damaged: unexpected content on line ${lineNumber}`);
    }
    if (streamError) throw streamError;
  } catch (error) {
    if (error instanceof ArchiveError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code?.startsWith('Z_') || code === 'ERR_STREAM_PREMATURE_CLOSE') {
      throw new ArchiveError(`The backup file is truncated or damaged (${(error as Error).message})`);
    }
    throw error;
  } finally {
    lines.close();
    source.unpipe?.(gunzip);
    gunzip.destroy();
  }
  if (!header) throw new ArchiveError('The backup file is empty');
  if (!trailer) throw new ArchiveError('The backup file is truncated: its end marker is missing');
  if (block.length && table) yield { kind: 'rows', table: table.table, rows: block };
  yield { kind: 'trailer', trailer };
}

/** Reads a whole archive for its header and trailer, verifying it; nothing else is kept. */
export async function verifyArchive(input: Readable | AsyncIterable<Uint8Array>): Promise<{ header: ArchiveHeader; trailer: ArchiveTrailer; tables: ArchiveTable[] }> {
  let header: ArchiveHeader | undefined;
  const tables: ArchiveTable[] = [];
  for await (const event of readArchive(input, 10_000)) {
    if (event.kind === 'header') header = event.header;
    else if (event.kind === 'table') tables.push(event.table);
    else if (event.kind === 'trailer') return { header: header!, trailer: event.trailer, tables };
  }
  throw new ArchiveError('The backup file is truncated: its end marker is missing');
}
