import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvField, neutraliseCell, toCsv } from '../../../client/features/exports/csv.ts';
import { districtStatsCsv, districtStatsCsvPackage, districtStatsGeoJson, exportMeta } from '../../../client/features/exports/exports.ts';
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
  it.each(['=1+1', '+A1', '-1+2', '@SUM(A1)', '\tx'])('neutralises the formula-looking text cell %j', (v) => {
    expect(neutraliseCell(v)).toBe(`'${v}`);
  });

  it('leaves plain text and numbers alone, quoting separators and quotes', () => {
    expect(neutraliseCell('Centrum')).toBe('Centrum');
    expect(csvField(-24.5)).toBe('-24.5');
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField(null)).toBe('');
  });

  it('writes the Swedish CSV for Swedish Excel: header first, `;`, decimal comma, neutralised formulas', () => {
    const lines = districtStatsCsv(stats, 'sv').replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('id;name;kind;population;count;rate_per_1000;previous_count;change_pct;change_significant;p_value;suppressed');
    expect(lines[1]).toBe(`1;"'=HYPERLINK(""http://evil"")";stadsdel;1000;10;10;20;-50;nej;0,09;nej`);
    expect(lines[2]).toBe('2;Örby;stadsdel;500;;;;;;;ja');
  });

  it('writes the English CSV comma-separated with a decimal point', () => {
    const lines = districtStatsCsv(stats, 'en').replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[1]).toBe(`1,"'=HYPERLINK(""http://evil"")",stadsdel,1000,10,10,20,-50,false,0.09,false`);
  });

  it('zips the CSV with a metadata sidecar stating period, filters, cut-off and sources', () => {
    const meta = exportMeta({ ...DEFAULT_FILTERS, preset: 'custom', from: '2026-01-01', to: '2026-02-01', sources: ['police'] }, 'Demokommun', (c) => c, new Date('2026-11-21T10:00:00Z'), 'sv');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csvzip-'));
    try {
      fs.writeFileSync(path.join(dir, 'x.zip'), districtStatsCsvPackage('lagesbild-9999', stats, meta, 'sv'));
      execFileSync('unzip', ['-q', 'x.zip'], { cwd: dir });
      const sidecar = JSON.parse(fs.readFileSync(path.join(dir, 'lagesbild-9999.metadata.json'), 'utf8'));
      expect(sidecar.cutoff).toBe('Dataläge: 2026-11-21 10:00 UTC');
      expect(sidecar.sources).toMatch(/Källor: Polisen/);
      expect(sidecar.period_from).toBe('2026-01-01');
      expect(fs.readFileSync(path.join(dir, 'lagesbild-9999.csv'), 'utf8')).toBe(districtStatsCsv(stats, 'sv'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('round-trips through a CSV parser configured as Swedish Excel (utf-8-sig, `;`, decimal comma)', () => {
    const tricky: DistrictStats = { ...stats, districts: [
      ...stats.districts,
      { id: 3, name: 'Å; "citat"\nny rad', kind: 'omrade', parent_id: null, population: 12345, count: 7, rate_per_1000: 0.5670, previous_count: 5, change_pct: 40, change_significant: false, p_value: 0.000012, suppressed: false, suppression: null },
    ] };
    const script = [
      'import csv, io, json, sys',
      "text = open(sys.argv[1], encoding='utf-8-sig', newline='').read()",
      "assert '\\r\\n' in text",
      "rows = list(csv.reader(io.StringIO(text, newline=''), delimiter=';', quotechar='\"'))",
      'def cell(v):',
      '    try: return float(v.replace(",", "."))',
      '    except ValueError: return v',
      "print(json.dumps([[cell(c) for c in r] for r in rows], ensure_ascii=False))",
    ].join('\n');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csvsv-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.csv'), districtStatsCsv(tricky, 'sv'));
      fs.writeFileSync(path.join(dir, 'read.py'), script);
      const rows = JSON.parse(execFileSync('python3', [path.join(dir, 'read.py'), path.join(dir, 'a.csv')], { encoding: 'utf8' }));
      expect(rows[0][0]).toBe('id');
      expect(rows).toHaveLength(4);
      expect(rows[3]).toEqual([3, 'Å; "citat"\nny rad', 'omrade', 12345, 7, 0.57, 5, 40, 'nej', 0.000012, 'nej']);
      expect(rows[1][1]).toBe(`'=HYPERLINK("http://evil")`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a suppressed count empty in the GeoJSON export too, with the statement as metadata', () => {
    const meta = exportMeta(DEFAULT_FILTERS, 'Demokommun', (c) => c, new Date(), 'en');
    const gj = JSON.parse(districtStatsGeoJson(districts, stats, meta));
    expect(gj.metadata.title).toContain('Demokommun');
    expect(gj.features[1].properties).toMatchObject({ count: null, suppressed: true });
  });

  it('writes a UTF-8 BOM and CRLF line ends', () => {
    expect(toCsv(['a'], [[1]])).toBe('\uFEFFa\r\n1\r\n');
    expect(toCsv(['a', 'b'], [[1.5, 'x;y']], 'sv')).toBe('\uFEFFa;b\r\n1,5;"x;y"\r\n');
  });
});
