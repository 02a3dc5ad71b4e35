import { describe, expect, it } from 'vitest';
import { csvField, neutraliseCell, toCsv } from '../../../client/features/exports/csv.ts';
import { districtStatsCsv, districtStatsGeoJson, exportMeta } from '../../../client/features/exports/exports.ts';
import type { DistrictCollection, DistrictStats } from '../../../client/features/districts/districts.api.ts';
import { DEFAULT_FILTERS } from '../../../client/state/filters.ts';

const stats: DistrictStats = {
  municipality: '9999', period: { from: '2026-01-01', to: '2026-02-01' }, comparison: { compare: 'previous', from: '2025-12-01', to: '2026-01-01' },
  level: 'stadsdel', categories: ['stold'], unlocated: 3, unlocated_suppressed: false,
  districts: [
    { id: 1, name: '=HYPERLINK("http://evil")', kind: 'stadsdel', parent_id: null, population: 1000, count: 10, rate_per_1000: 10, previous_count: 20, change_pct: -50, change_significant: false, p_value: 0.09, suppressed: false, suppression: null },
    { id: 2, name: 'Örby', kind: 'stadsdel', parent_id: null, population: 500, count: null, rate_per_1000: null, previous_count: null, change_pct: null, change_significant: null, p_value: null, suppressed: true, suppression: 'small' },
  ],
};
const districts: DistrictCollection = { type: 'FeatureCollection', features: [1, 2].map((id) => ({ type: 'Feature' as const, id, geometry: { type: 'Polygon' as const, coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }, properties: { id, name: `d${id}`, kind: 'stadsdel', parent_id: null, population: 1, population_by_gender: null, population_by_age: null, label_point: null } })) };

describe('CSV export', () => {
  it.each(['=1+1', '+1', '-1+2', '@SUM(A1)', '\tx'])('neutralises the formula-looking text cell %j', (v) => {
    expect(neutraliseCell(v)).toBe(`'${v}`);
  });

  it('leaves plain text and numbers alone, quoting separators and quotes', () => {
    expect(neutraliseCell('Centrum')).toBe('Centrum');
    expect(csvField(-24.5)).toBe('-24.5');
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField(null)).toBe('');
  });

  it('states title, period, filters, cut-off and sources before the table', () => {
    const meta = exportMeta({ ...DEFAULT_FILTERS, preset: 'custom', from: '2026-01-01', to: '2026-02-01', sources: ['police'] }, 'Demokommun', (c) => c, new Date('2026-11-21T10:00:00Z'), 'sv');
    const csv = districtStatsCsv(stats, meta);
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toContain('Demokommun');
    expect(lines.slice(0, 5).join('\n')).toMatch(/Period.*Kategorier.*Dataläge: 2026-11-21 10:00 UTC.*Källor: Polisen/s);
    expect(lines[5]).toBe('id,name,kind,population,count,rate_per_1000,previous_count,change_pct,change_significant,p_value,suppressed');
    expect(lines[6]).toBe(`1,"'=HYPERLINK(""http://evil"")",stadsdel,1000,10,10,20,-50,false,0.09,false`);
    expect(lines[7]).toBe('2,Örby,stadsdel,500,,,,,,,true');
  });

  it('keeps a suppressed count empty in the GeoJSON export too, with the statement as metadata', () => {
    const meta = exportMeta(DEFAULT_FILTERS, 'Demokommun', (c) => c, new Date(), 'en');
    const gj = JSON.parse(districtStatsGeoJson(districts, stats, meta));
    expect(gj.metadata.title).toContain('Demokommun');
    expect(gj.features[1].properties).toMatchObject({ count: null, suppressed: true });
  });

  it('writes a UTF-8 BOM and CRLF line ends', () => {
    expect(toCsv([], ['a'], [[1]])).toBe('\uFEFFa\r\n1\r\n');
  });
});
