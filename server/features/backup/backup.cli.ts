import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { EXIT, UsageError, type CliCommand } from '../../infra/cli-command.ts';
import { DataDirLockedError } from '../../infra/data-dir-lock.ts';
import { openDatabase } from '../../infra/db.ts';
import { ArchiveError, verifyArchive } from './backup-archive.ts';
import { LOCAL_SECRET_HEADER, SERVER_FILE, type ServerFile } from './backup.routes.ts';
import { createBackup, restoreBackup, RestoreRefusedError } from './backup.service.ts';

function fileArgument(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError('give exactly one backup file');
  return path.resolve(positionals[0]);
}

/** Streams GET /api/backup of the server holding the data directory into file. */
async function backupThroughServer(dataDir: string, file: string): Promise<void> {
  const serverFile = path.join(dataDir, SERVER_FILE);
  let server: ServerFile;
  try {
    server = JSON.parse(fs.readFileSync(serverFile, 'utf8')) as ServerFile;
  } catch {
    throw new DataDirLockedError(dataDir, Number(fs.readFileSync(path.join(dataDir, 'lagesbild.lock'), 'utf8')) || 0);
  }
  await new Promise<void>((resolve, reject) => {
    const request = http.get(`${server.url}/api/backup`, { headers: { [LOCAL_SECRET_HEADER]: server.secret } }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`The running server (pid ${server.pid}) refused the backup: HTTP ${response.statusCode}`));
        return;
      }
      pipeline(response, fs.createWriteStream(file, { mode: 0o600 })).then(resolve, reject);
    });
    request.on('error', (error) => reject(new Error(`Could not reach the running server at ${server.url}: ${error.message}`)));
  });
}

/** `lagesbild backup <file>`. */
export const backupCommand: CliCommand = {
  name: 'backup',
  summary: 'write a consistent backup archive of the database (also while the server runs)',
  help: [
    'lagesbild backup <file> [--data-dir DIR | --database-url URL]',
    '  Writes every table to a gzip archive with the schema version, the municipality codes and the time.',
    '  On the embedded database while `lagesbild serve` runs, the running server makes the backup.',
    '  Exit codes: 0 done, 1 failed (no file left behind), 3 the data directory is in use and the server cannot be reached.',
  ].join('\n'),
  options: {},
  async run({ config, positionals, stdout }) {
    const file = fileArgument(positionals);
    const partial = `${file}.partial-${process.pid}`;
    const started = Date.now();
    try {
      let database;
      try {
        database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      } catch (error) {
        if (!(error instanceof DataDirLockedError)) throw error;
        await backupThroughServer(config.dataDir, partial);
      }
      if (database) {
        try {
          await createBackup(database, fs.createWriteStream(partial, { mode: 0o600 }));
        } finally {
          await database.close();
        }
      }
      // Checked before it takes the real name: a backup nobody can restore is worse than none.
      const { header, trailer } = await verifyArchive(fs.createReadStream(partial));
      fs.renameSync(partial, file);
      stdout(JSON.stringify({
        file,
        schema_version: header.schema_version,
        municipalities: header.municipalities,
        rows: Object.values(trailer.counts).reduce((a, b) => a + b, 0),
        bytes: fs.statSync(file).size,
        seconds: Number(((Date.now() - started) / 1000).toFixed(1)),
      }));
      return EXIT.ok;
    } finally {
      fs.rmSync(partial, { force: true });
    }
  },
};

/** `lagesbild restore <file> [--force]`. */
export const restoreCommand: CliCommand = {
  name: 'restore',
  summary: 'restore a backup archive (refuses newer, damaged, or onto data without --force)',
  help: [
    'lagesbild restore <file> [--force] [--data-dir DIR | --database-url URL]',
    '  Verifies the whole archive, brings an empty database to the archive’s schema version, restores',
    '  every table in one transaction, checks row counts and rollups, then upgrades to this version.',
    '  Works across backends: a PGlite backup restores onto PostgreSQL (the way to move to a server).',
    '  --force  replace a database that already holds data',
    '  Exit codes: 0 restored, 2 refused (newer version, damaged archive, data present): nothing changed,',
    '  3 the data directory is in use (stop the server first).',
  ].join('\n'),
  options: { force: { type: 'boolean' } },
  async run({ config, positionals, values, stdout, stderr }) {
    const file = fileArgument(positionals);
    if (!fs.existsSync(file)) {
      stderr(`lagesbild: no such file: ${file}`);
      return EXIT.invalidInput;
    }
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      const result = await restoreBackup(database, () => fs.createReadStream(file), { force: values.force === true, log: stderr });
      stdout(JSON.stringify({ restored: file, ...result, rows: Object.values(result.counts).reduce((a, b) => a + b, 0) }));
      return EXIT.ok;
    } catch (error) {
      if (error instanceof RestoreRefusedError || error instanceof ArchiveError) {
        stderr(`lagesbild: restore refused: ${error.message}`);
        return EXIT.invalidInput;
      }
      throw error;
    } finally {
      await database.close();
    }
  },
};
