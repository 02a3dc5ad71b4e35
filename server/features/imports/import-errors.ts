/** One rejected value: `row` is the 1-based data row (header excluded; 0 = the file as a whole), `field` the column. */
export interface RowError {
  row: number;
  field: string;
  message: string;
}

/** How many row errors an import summary lists before it only counts the rest. */
export const MAX_LISTED_ERRORS = 100;

/**
 * A problem with the file as a whole (encoding, binary content, no header, a record too long to be real CSV).
 * `row` is the data row where it was found, 0 when it concerns the header or the file itself.
 */
export class ImportFileError extends Error {
  readonly code: string;
  readonly row: number;
  readonly field: string;

  constructor(code: string, message: string, row = 0, field = '') {
    super(message);
    this.name = 'ImportFileError';
    this.code = code;
    this.row = row;
    this.field = field;
  }

  /** The error as a summary entry. */
  toRowError(): RowError {
    return { row: this.row, field: this.field, message: this.message };
  }
}

/**
 * Collects row errors for a summary: keeps the first `limit` and counts the rest, so a file with
 * 10,000 bad rows still gives a one-line summary a person can read.
 */
export class RowErrorList {
  readonly listed: RowError[] = [];
  private total = 0;
  private readonly rows = new Set<number>();
  private rowCount = 0;

  constructor(private readonly limit = MAX_LISTED_ERRORS) {}

  /** Adds the errors of one rejected row. */
  addRow(errors: readonly RowError[]): void {
    if (errors.length === 0) return;
    this.rowCount++;
    for (const error of errors) this.add(error);
  }

  private add(error: RowError): void {
    this.total++;
    if (this.listed.length < this.limit) this.listed.push(error);
    if (this.rows.size < this.limit) this.rows.add(error.row);
  }

  /** Number of rejected rows recorded. */
  get rejectedRows(): number {
    return this.rowCount;
  }

  /** Number of errors recorded, listed or not. */
  get totalErrors(): number {
    return this.total;
  }

  /** Number of errors not listed. */
  get omitted(): number {
    return this.total - this.listed.length;
  }
}

/** Swedish phrase for the errors left out of a summary, e.g. "… och 9 900 fel till". */
export function describeOmittedErrors(omitted: number): string {
  return `… och ${omitted.toLocaleString('sv-SE').replace(/\u00a0/g, ' ')} fel till som inte visas här`;
}
