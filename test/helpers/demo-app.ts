import { seedDemo } from '../../server/features/demo/demo.seed.ts';
import type { Viewer } from '../../server/features/auth/viewer.ts';
import type { Role } from '../../shared/roles.ts';
import type { DbKind } from '../../server/infra/db.ts';
import { buildTestApp, type TestApp } from './test-app.ts';

/** The day the demo's data ends in tests that need whole demo years (2024 and 2025 complete). */
export const DEMO_END = new Date('2026-11-15T12:00:00Z');

/** The real app over a fresh database with the demo municipality seeded (councils, meetings, actions included). */
export async function buildDemoTestApp(kind: DbKind): Promise<TestApp> {
  const t = await buildTestApp(kind);
  await seedDemo(t.database.db, { endDate: DEMO_END });
  return t;
}

/** A viewer of this role over every municipality, as a service sees the holder of an API token for it. */
export function viewerOf(role: Role): Viewer {
  return { role, userId: null, tokenId: null, municipalityCodes: null };
}

/** What a value becomes on the wire when serialised without a schema (dates as ISO strings, undefined dropped). */
export const wire = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));
