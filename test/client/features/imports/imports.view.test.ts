import { describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../../../client/features/imports/imports.api.ts';
import { initialImportState, renderBatches, renderImportPanel, renderImportSummary, summaryCounts } from '../../../../client/features/imports/imports.view.ts';

function summary(overrides: Partial<ImportSummary> = {}): ImportSummary {
  return { batch: 7, accepted: 1200, updated: 3, unchanged: 0, unlocated: 12, rejected: 0, errors: [], errors_omitted: 0, written: true, message: 'Importen är klar.', ...overrides };
}

describe('import summary view', () => {
  it('counts in Swedish with thousands spacing', () => {
    expect(summaryCounts(summary())).toEqual(['1 200 nya', '3 ändrade', '0 oförändrade', '12 utan plats', '0 avvisade']);
  });

  it('says a written import is saved, with its batch number', () => {
    expect(renderImportSummary(summary())).toContain('Importen är sparad (import 7)');
  });

  it('lists rejected rows one by one and says nothing was saved', () => {
    const html = renderImportSummary(summary({ batch: null, written: false, rejected: 2, errors: [{ row: 2, field: 'category', message: 'okänd kategori "fylla"' }, { row: 5, field: 'n', message: 'axlarna ser ut att vara omkastade' }] }));
    expect(html).toContain('ingenting har sparats');
    expect(html).toContain('<td class="num">2</td><td>category</td><td>okänd kategori &quot;fylla&quot;</td>');
    expect(html).toContain('<td class="num">5</td>');
  });

  it('names a file-level error as the whole file', () => {
    expect(renderImportSummary(summary({ written: false, errors: [{ row: 0, field: '', message: 'Filen är tom.' }] }))).toContain('hela filen');
  });

  it('says how many errors are not shown', () => {
    expect(renderImportSummary(summary({ written: false, rejected: 10_000, errors: [{ row: 1, field: 'id', message: 'x' }], errors_omitted: 9_900 }))).toContain('9 900 fel till');
  });

  it('escapes hostile cells', () => {
    const html = renderImportSummary(summary({ written: false, errors: [{ row: 1, field: 'place', message: '<img src=x onerror=alert(1)>' }] }));
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img');
  });
});

describe('import panel view', () => {
  it('offers the incident options by default', () => {
    const html = renderImportPanel({ ...initialImportState(), municipalities: [{ code: '0999', name: 'Testkommun' }] });
    expect(html).toContain('Testkommun (0999)');
    expect(html).toContain('name="allow_rejects"');
    expect(html).toContain('name="source"');
  });

  it('asks for the survey name and a marks file for surveys', () => {
    const html = renderImportPanel({ ...initialImportState(), kind: 'survey' });
    expect(html).toContain('name="survey"');
    expect(html).toContain('name="marks"');
  });

  it('offers undo only for committed batches', () => {
    const base = { municipality: '0999', file_name: 'a.csv', created_by: 'user:1', created_at: '2025-01-01T10:00:00Z', accepted: 1, updated: 0, unchanged: 0, unlocated: 0, rejected: 0 };
    const html = renderBatches([{ ...base, id: 2, kind: 'incidents', status: 'committed' }, { ...base, id: 1, kind: 'incidents', status: 'rolled_back' }]);
    expect(html).toContain('data-batch="2"');
    expect(html).not.toContain('data-batch="1"');
    expect(html).toContain('ångrad');
  });
});
