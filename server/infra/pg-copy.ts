import type pg from 'pg';

/** Bytes per CopyData message: large enough to be cheap, small enough not to hold the socket long. */
const CHUNK_BYTES = 256 * 1024;

interface PgConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
}

/**
 * `COPY … FROM STDIN` on a node-postgres client without pg-copy-streams (not a dependency): a
 * minimal "submittable" (the object protocol pg's Client.query accepts, as pg-copy-streams and
 * pg-cursor use) that sends data, already in COPY text format, once the server asks for it.
 * After an error pg clears its active query, so the error is the query's last word.
 */
class CopyFromStdin {
  callback?: (error: Error | null) => void;
  private rowCount = 0;

  constructor(
    readonly text: string,
    private readonly data: Buffer,
    private readonly done: (error: Error | null, rows: number) => void,
  ) {}

  submit(connection: PgConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: PgConnection): void {
    for (let offset = 0; offset < this.data.length; offset += CHUNK_BYTES) {
      connection.sendCopyFromChunk(this.data.subarray(offset, offset + CHUNK_BYTES));
    }
    connection.endCopyFrom();
  }

  handleCommandComplete(message: { text?: string }): void {
    const match = /^COPY (\d+)/.exec(message.text ?? '');
    if (match) this.rowCount = Number(match[1]);
  }

  handleReadyForQuery(): void {
    this.done(null, this.rowCount);
  }

  handleError(error: Error): void {
    this.done(error, 0);
  }

  // A COPY FROM statement answers with none of these; pg calls them on any active query.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** Runs `statement` (a COPY … FROM STDIN) on client with data in COPY text format; resolves to the rows copied. */
export function copyFromStdin(client: pg.ClientBase, statement: string, data: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const query = new CopyFromStdin(statement, Buffer.from(data, 'utf8'), (error, rows) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(rows);
    });
    (client as unknown as { query(submittable: unknown): void }).query(query);
  });
}
