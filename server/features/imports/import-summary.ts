import fs from 'node:fs';
import { excelCsvLine } from '../../../shared/excel-csv.ts';
import { describeOmittedErrors, ImportFileError, RowErrorList, type RowError } from './import-errors.ts';

/**
 * The one-line result of every import (SPEC §3). `accepted` counts new rows written, located or not;
 * `unlocated` those of them without coordinates. `errors` lists at most 100 entries;
 * `errors_omitted` says how many more there were. `batch` is null when nothing was written.
 */
export interface ImportSummary {
  batch: number | null;
  accepted: number;
  updated: number;
  unchanged: number;
  unlocated: number;
  rejected: number;
  errors: RowError[];
  errors_omitted: number;
  /** True when the import changed the database (false for a file rejected as a whole). */
  written: boolean;
  /** A sentence for people: what happened and what to do next. */
  message: string;
}

/** Counts gathered while importing. */
export interface ImportCounts {
  accepted: number;
  updated: number;
  unchanged: number;
  unlocated: number;
}

/** Zero counts. */
export function emptyCounts(): ImportCounts {
  return { accepted: 0, updated: 0, unchanged: 0, unlocated: 0 };
}

/** The summary of a file rejected as a whole before any row was read (encoding, columns, binary…). */
export function fileErrorSummary(error: ImportFileError): ImportSummary {
  return {
    batch: null,
    ...emptyCounts(),
    rejected: 0,
    errors: [error.toRowError()],
    errors_omitted: 0,
    written: false,
    message: `Filen avvisades: ${error.message} Inget har sparats.`,
  };
}

/** Builds the summary from counts and the collected errors. */
export function buildSummary(p: { batch: number | null; counts: ImportCounts; errors: RowErrorList; written: boolean; allowRejects: boolean }): ImportSummary {
  const rejected = p.errors.rejectedRows;
  let message: string;
  if (!p.written && rejected > 0 && !p.allowRejects) {
    message = `${rejected} rader avvisades, så hela filen avvisades och inget sparades. Rätta raderna och importera igen, eller använd --allow-rejects för att spara de godkända raderna.`;
  } else {
    const parts = [`${p.counts.accepted} nya`, `${p.counts.updated} ändrade`, `${p.counts.unchanged} oförändrade`];
    if (p.counts.unlocated) parts.push(`varav ${p.counts.unlocated} nya utan koordinater`);
    if (rejected) parts.push(`${rejected} avvisade`);
    message = `Importen är klar: ${parts.join(', ')}.`;
  }
  if (p.errors.omitted > 0) message += ` ${describeOmittedErrors(p.errors.omitted)}.`;
  const counts = p.written ? p.counts : emptyCounts();
  return {
    batch: p.batch,
    accepted: counts.accepted,
    updated: counts.updated,
    unchanged: counts.unchanged,
    unlocated: counts.unlocated,
    rejected,
    errors: p.errors.listed,
    errors_omitted: p.errors.omitted,
    written: p.written,
    message,
  };
}

/** The summary as the single JSON line the CLI prints. */
export function summaryLine(summary: ImportSummary): string {
  return JSON.stringify(summary);
}

/**
 * Writes rejected rows as CSV for Swedish Excel (`row;field;message`, `;`-separated, UTF-8 with BOM so
 * Excel shows å/ä/ö, CRLF), every cell formula-neutralised. Lines are streamed, so millions of rejects
 * need no memory.
 */
export class RejectsWriter {
  private readonly stream: fs.WriteStream;
  private failed: Error | undefined;

  constructor(path: string) {
    this.stream = fs.createWriteStream(path, { encoding: 'utf8' });
    this.stream.on('error', (error) => {
      this.failed = error;
    });
    this.stream.write(`\ufeff${excelCsvLine(['row', 'field', 'message'], 'sv')}\r\n`);
  }

  /** Appends the errors of one rejected row. */
  async write(errors: readonly RowError[]): Promise<void> {
    if (this.failed) throw this.failed;
    let text = '';
    for (const e of errors) text += `${excelCsvLine([e.row, e.field, e.message], 'sv')}\r\n`;
    if (!this.stream.write(text)) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (this.failed) throw this.failed;
  }
}
