import { ImportFileError } from './import-errors.ts';
import { decodeTextStream, MixedEncodingError, type DecodedTextInfo } from './text-decoding.ts';

/** Delimiters a CSV import may use (SPEC §4.2), detected from the header line. */
export type CsvDelimiter = ',' | ';' | '\t';

/** Limits that stop a runaway record (usually an unclosed quote) long before memory runs out. */
export interface CsvLimits {
  /** Longest field, in characters. */
  maxFieldChars: number;
  /** Longest record, in characters, all fields together. */
  maxRecordChars: number;
  /** Most columns in a record. */
  maxColumns: number;
}

/** Defaults: 100,000 characters a field, 1,000,000 a record, 500 columns. */
export const DEFAULT_CSV_LIMITS: CsvLimits = { maxFieldChars: 100_000, maxRecordChars: 1_000_000, maxColumns: 500 };

/** One data record: `row` is the 1-based data row (header excluded), counting blank lines so it matches Excel row − 1. */
export interface CsvRecord {
  row: number;
  fields: string[];
}

/** An opened CSV file: the trimmed, lower-cased header and a one-pass stream of its data records. */
export interface CsvTable {
  header: string[];
  delimiter: CsvDelimiter;
  text: DecodedTextInfo;
  records: AsyncIterable<CsvRecord>;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * Opens a CSV byte stream: decodes it (UTF-8 with or without BOM, or Windows-1252), detects the
 * delimiter from the header line (`,`, `;` or tab, whichever occurs most outside quotes) and parses
 * RFC 4180 records (quoted fields with `""`, CRLF, LF or CR line ends) one at a time with bounded memory.
 * Throws {@link ImportFileError} for an empty file, a duplicated column name, or a record over the limits.
 */
export async function openCsvTable(
  bytes: AsyncIterable<Uint8Array>,
  limits: CsvLimits = DEFAULT_CSV_LIMITS,
): Promise<CsvTable> {
  const text: DecodedTextInfo = { bom: false };
  const chunks = decodeTextStream(bytes, text)[Symbol.asyncIterator]();
  let head = '';
  for (;;) {
    const next = await chunks.next();
    if (next.done) break;
    head += next.value;
    if (/[\r\n]/.test(stripLeadingBlankLines(head))) break;
    if (head.length > limits.maxRecordChars) {
      throw new ImportFileError('RECORD_TOO_LONG', `Rubrikraden är längre än ${limits.maxRecordChars} tecken. Är det verkligen en CSV-fil?`);
    }
  }
  const delimiter = detectDelimiter(firstLine(stripLeadingBlankLines(head)));
  const records = parseCsvRecords(prepend(head, chunks), delimiter, limits);
  let headerFields: string[] | undefined;
  try {
    for (;;) {
      const next = await records.next();
      if (next.done) break;
      if (!isBlank(next.value)) {
        headerFields = next.value;
        break;
      }
    }
  } catch (error) {
    if (error instanceof RecordPositionError) throw new ImportFileError(error.cause.code, `Rubrikraden: ${error.cause.message}`, 0);
    throw error;
  }
  if (!headerFields) throw new ImportFileError('EMPTY_FILE', 'Filen är tom: den saknar både rubrikrad och datarader.');
  const header = headerFields.map(normaliseHeaderName);
  const seen = new Set<string>();
  for (const name of header) {
    if (name === '') continue;
    if (seen.has(name)) throw new ImportFileError('DUPLICATE_COLUMN', `Kolumnen "${name}" finns två gånger i rubrikraden.`, 0, name);
    seen.add(name);
  }
  return { header, delimiter, text, records: numberRecords(records) };
}

/** Header names compare trimmed and case-insensitively; a stray BOM or quotes around the name are dropped. */
export function normaliseHeaderName(name: string): string {
  return name.replace(/^\ufeff/, '').trim().toLowerCase();
}

/** Picks the delimiter that occurs most often outside quotes in the header line; `,` when there is none. */
export function detectDelimiter(line: string): CsvDelimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let inQuotes = false;
  for (const ch of line) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  let best: CsvDelimiter = ',';
  for (const candidate of [';', '\t', ','] as const) {
    if (counts[candidate] > counts[best]) best = candidate;
  }
  return best;
}

function stripLeadingBlankLines(text: string): string {
  return text.replace(/^[\r\n]+/, '');
}

function firstLine(text: string): string {
  const end = text.search(/[\r\n]/);
  return end === -1 ? text : text.slice(0, end);
}

function isBlank(fields: string[]): boolean {
  return fields.length === 1 && fields[0] === '';
}

async function* prepend(head: string, rest: AsyncIterator<string>): AsyncGenerator<string> {
  if (head) yield head;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

async function* numberRecords(records: AsyncGenerator<string[]>): AsyncGenerator<CsvRecord> {
  let row = 0;
  try {
    for (;;) {
      const next = await records.next();
      if (next.done) return;
      row++;
      if (isBlank(next.value)) continue;
      yield { row, fields: next.value };
    }
  } catch (error) {
    if (error instanceof RecordPositionError) {
      const dataRow = row + error.recordsAhead;
      throw new ImportFileError(error.cause.code, error.cause.message, dataRow, error.cause.field);
    }
    throw error;
  }
}

/** Carries a file error out of the parser with how many records past the last yielded one it occurred. */
class RecordPositionError extends Error {
  constructor(
    readonly cause: ImportFileError,
    readonly recordsAhead: number,
  ) {
    super(cause.message);
  }
}

/**
 * The RFC 4180 state machine over text chunks. Yields each record's fields (the header first).
 * A quote opens a quoted field only at the start of a field; elsewhere it is kept as text, as Excel does.
 */
async function* parseCsvRecords(
  chunks: AsyncIterable<string>,
  delimiterChar: CsvDelimiter,
  limits: CsvLimits,
): AsyncGenerator<string[]> {
  const delimiter = delimiterChar.charCodeAt(0);
  let fields: string[] = [];
  let field = '';
  let recordChars = 0;
  let inQuotes = false;
  let quotePending = false; // a quote inside a quoted field was the last char of a chunk
  let fieldStart = true;
  let skipLf = false;

  const fail = (code: string, message: string): never => {
    throw new RecordPositionError(new ImportFileError(code, message), 1);
  };
  const checkField = (length: number) => {
    if (length > limits.maxFieldChars) {
      fail(
        'FIELD_TOO_LONG',
        inQuotes
          ? `Ett fält är längre än ${limits.maxFieldChars} tecken. Troligen saknas ett avslutande citattecken (") på den här raden.`
          : `Ett fält är längre än ${limits.maxFieldChars} tecken.`,
      );
    }
    if (recordChars + length > limits.maxRecordChars) {
      fail('RECORD_TOO_LONG', `Raden är längre än ${limits.maxRecordChars} tecken. Troligen saknas ett avslutande citattecken (").`);
    }
  };
  const endField = () => {
    checkField(field.length);
    recordChars += field.length + 1;
    fields.push(field);
    if (fields.length > limits.maxColumns) fail('TOO_MANY_COLUMNS', `Raden har fler än ${limits.maxColumns} kolumner.`);
    field = '';
    fieldStart = true;
  };

  try {
    for await (const s of chunks) {
      const n = s.length;
      let i = 0;
      let seg = 0;
      if (quotePending) {
        quotePending = false;
        if (n > 0 && s.charCodeAt(0) === QUOTE) {
          field += '"';
          i = 1;
          seg = 1;
        } else {
          inQuotes = false;
        }
      }
      if (skipLf) {
        skipLf = false;
        if (n > 0 && s.charCodeAt(i) === LF) {
          i++;
          seg = i;
        }
      }
      while (i < n) {
        const c = s.charCodeAt(i);
        if (inQuotes) {
          if (c !== QUOTE) {
            i++;
            continue;
          }
          field += s.slice(seg, i);
          if (i + 1 >= n) {
            quotePending = true;
            i++;
            seg = i;
            continue;
          }
          if (s.charCodeAt(i + 1) === QUOTE) {
            field += '"';
            i += 2;
          } else {
            inQuotes = false;
            i++;
          }
          seg = i;
          continue;
        }
        if (c === delimiter) {
          field += s.slice(seg, i);
          endField();
          i++;
          seg = i;
          continue;
        }
        if (c === LF || c === CR) {
          field += s.slice(seg, i);
          endField();
          const record = fields;
          fields = [];
          recordChars = 0;
          i++;
          if (c === CR) {
            if (i < n) {
              if (s.charCodeAt(i) === LF) i++;
            } else {
              skipLf = true;
            }
          }
          seg = i;
          yield record;
          continue;
        }
        if (c === QUOTE && fieldStart && seg === i && field === '') {
          inQuotes = true;
          fieldStart = false;
          i++;
          seg = i;
          continue;
        }
        fieldStart = false;
        i++;
      }
      field += s.slice(seg, n);
      checkField(field.length);
    }
  } catch (error) {
    if (error instanceof MixedEncodingError) throw new RecordPositionError(error, 1);
    throw error;
  }
  if (quotePending) {
    quotePending = false;
    inQuotes = false;
  }
  if (inQuotes) fail('UNCLOSED_QUOTE', 'Ett citattecken (") på den här raden stängs aldrig, så resten av filen blev ett enda fält.');
  if (field !== '' || fields.length > 0) {
    endField();
    yield fields;
  }
}
