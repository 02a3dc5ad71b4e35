import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { requireAdmin } from '../auth/guards.ts';
import { createBackup } from './backup.service.ts';

/** The header the `lagesbild backup` CLI sends with the secret the server left in its data directory. */
export const LOCAL_SECRET_HEADER = 'x-lagesbild-local-secret';
/** Where a server on PGlite tells the CLI how to reach it (mode 0600: only the service account reads it). */
export const SERVER_FILE = 'lagesbild.server.json';

export interface ServerFile {
  pid: number;
  url: string;
  secret: string;
}

/** Writes the server file; returns its secret and a function removing it again. */
export function writeServerFile(dataDir: string, url: string): { secret: string; remove: () => void } {
  const secret = crypto.randomBytes(32).toString('base64url');
  const file = path.join(dataDir, SERVER_FILE);
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, JSON.stringify({ pid: process.pid, url, secret } satisfies ServerFile), { mode: 0o600, flag: 'wx' });
  return {
    secret,
    remove: () => {
      try {
        if ((JSON.parse(fs.readFileSync(file, 'utf8')) as ServerFile).pid === process.pid) fs.rmSync(file, { force: true });
      } catch {
        // Gone already.
      }
    },
  };
}

function secretMatches(given: unknown, expected: string | undefined): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given), b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/**
 * GET /api/backup: a backup archive of the running server's database, streamed. For admins, and
 * for the `lagesbild backup` CLI on the same machine (PGlite allows one process, so the CLI asks
 * the server that holds the data directory).
 */
export async function backupRoutes(app: AppInstance, options: { localSecret?: () => string | undefined } = {}) {
  app.get(
    '/api/backup',
    {
      schema: {
        tags: ['admin'],
        summary: 'A consistent backup archive of the whole database (admin)',
        response: { 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request, reply) => {
      const local = secretMatches(request.headers[LOCAL_SECRET_HEADER], options.localSecret?.());
      if (!local) requireAdmin(request.viewer);
      const body = new PassThrough();
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      reply
        .type('application/gzip')
        .header('content-disposition', `attachment; filename="lagesbild-${stamp}.lbk"`)
        .header('cache-control', 'no-store');
      const done = createBackup(app.database, body);
      done
        .then((result) =>
          recordAudit(app.database.db, request.viewer, {
            action: 'backup',
            route: '/api/backup',
            filters: { via: local ? 'cli' : 'api', schema_version: result.header.schema_version },
            resultCount: Object.values(result.counts).reduce((a, b) => a + b, 0),
          }),
        )
        .catch((error: Error) => {
          request.log.error({ err: { message: error.message } }, 'backup failed');
          body.destroy(error);
        });
      return reply.send(body as never);
    },
  );
}
