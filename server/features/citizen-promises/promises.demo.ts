import { sql } from 'kysely';
import { addDays, stockholmToday } from '../../../shared/time.ts';
import type { Db } from '../../infra/db.ts';
import type { Viewer } from '../auth/viewer.ts';
import { runSiteCheck } from '../site-checks/site-checks.service.ts';
import { draftPromise, followUpValues, prepareWrite } from './citizen-promises.service.ts';
import { insertPromise, storeFollowups, transitionPromise } from './citizen-promises.queries.ts';

const DEMO_POLICE: Viewer = { role: 'police', userId: null, tokenId: null, municipalityCodes: null };
const DEMO_PLANNER: Viewer = { role: 'planner', userId: null, tokenId: null, municipalityCodes: null };
const who = { userId: null, tokenId: null, role: 'police' };

/** A landmark of the demo town (SWEREF 99 TM metres). */
export interface DemoPlace {
  key: string;
  name: string;
  e: number;
  n: number;
}

async function wgs84(db: Db, wkt: string): Promise<unknown> {
  const row = await sql<{ g: string }>`SELECT ST_AsGeoJSON(ST_Transform(ST_GeomFromText(${wkt}, 3006), 4326), 7) AS g`.execute(db);
  return JSON.parse(row.rows[0].g);
}

/**
 * The demo's medborgarlöften and site checks (inside the seeding transaction): a published promise for
 * Centrum nine months into its year, with follow-up values stored, so /public shows its progress; a
 * draft for Stationsområdet proposed from the evidence; and two saved site checks by a planner.
 */
export async function seedDemoPromisesAndSiteChecks(db: Db, code: string, districtIds: Map<string, number>, places: DemoPlace[]) {
  const today = stockholmToday();
  const start = `${addDays(today, -270).slice(0, 7)}-01`;
  const end = addDays(start, 365);
  const centrum = districtIds.get('centrum');
  const station = districtIds.get('stationsomradet');
  if (centrum !== undefined) {
    const write = await prepareWrite(db, DEMO_POLICE, code, {
      title: 'Tryggare Centrum kvällstid',
      area: { district_ids: [centrum] },
      period_start: start,
      period_end: end,
      problems: [
        'Skadegörelse och klotter är vanligare kring Stortorget än i kommunen i stort.',
        'Många känner sig otrygga på Storgatan sena kvällar, särskilt kvinnor 16–34 år.',
      ],
      commitments: [
        { actor: 'police', text: 'Synlig fotpatrullering på Storgatan fredag och lördag kväll.', responsible: 'Lokalpolisområde Demostad' },
        { actor: 'municipality', text: 'Ny belysning längs Torggatan och klottersanering inom 24 timmar.', responsible: 'Tekniska nämnden' },
        { actor: 'municipality', text: 'Nattvandring och fältarbete med fritidsgårdarna.', responsible: 'Socialnämnden' },
      ],
      indicators: [{ key: 'skadegorelse' }, { key: 'klotter' }, { key: 'survey:otrygg' }],
      internal_notes: 'Demodata. Avstämning med lokalpolisområdet varje månad.',
    });
    // Targets: a tenth fewer incidents, five percentage points fewer otrygga.
    for (const i of write.indicators) {
      if (i.baseline !== null) i.target = i.key.startsWith('survey:') ? Math.max(0, Math.round((i.baseline - 0.05) * 1000) / 1000) : Math.floor(i.baseline * 0.9);
    }
    const id = await insertPromise(db, write, null, 'police');
    for (const [from, to] of [['draft', 'agreed'], ['agreed', 'published']] as const) await transitionPromise(db, code, id, from, to, who);
    await storeFollowups(db, code, id, await followUpValues(db, code, id));
  }
  if (station !== undefined) {
    const proposal = await draftPromise(db, DEMO_POLICE, { municipality: code, area: { district_ids: [station] } });
    const write = await prepareWrite(db, DEMO_POLICE, code, {
      title: 'Trygg väg till och från resecentrum',
      area: { district_ids: [station] },
      period_start: proposal.period_start,
      period_end: proposal.period_end,
      problems: proposal.problems.length ? proposal.problems : ['Otrygghet kring resecentrum kvällstid.'],
      commitments: [
        { actor: 'police', text: 'Gemensamma insatser med trafikbolagets ordningsvakter vid resecentrum.', responsible: 'Lokalpolisområde Demostad' },
        { actor: 'municipality', text: 'Trygghetsvandring och åtgärdslista för gångstråken runt stationen.', responsible: 'Samhällsbyggnadsnämnden' },
      ],
      indicators: proposal.indicators.map((i) => ({ key: i.key, baseline: i.baseline, target: i.target })),
      internal_notes: 'Demodata. Utkast från underlaget, ej förankrat.',
      evidence: { drafted_from: 'districts', period: proposal.evidence.period },
    });
    await insertPromise(db, write, null, 'police');
  }
  const torget = places.find((p) => p.key === 'torget');
  const tunnel = places.find((p) => p.key === 'gangtunnel') ?? places.find((p) => p.key === 'station');
  if (torget) {
    const { e, n } = torget;
    const square = await wgs84(db, `POLYGON((${e - 90} ${n - 70},${e + 90} ${n - 70},${e + 90} ${n + 70},${e - 90} ${n + 70},${e - 90} ${n - 70}))`);
    await runSiteCheck(db, DEMO_PLANNER, { municipality: code, geometry: square, buffer_m: 0, name: 'Nytt bostadskvarter vid Stortorget' }, { save: true });
  }
  if (tunnel) {
    const point = await wgs84(db, `POINT(${tunnel.e} ${tunnel.n})`);
    await runSiteCheck(db, DEMO_PLANNER, { municipality: code, geometry: point, buffer_m: 150, name: `Förskola nära ${tunnel.name}` }, { save: true });
  }
}
