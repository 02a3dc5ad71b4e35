import type { SavedSiteCheck, SiteReport } from './site-checks.api.ts';

const e = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const ZONE_SV: Record<string, string> = { site: 'Platsen', within_100: '≤ 100 m', within_250: '≤ 250 m', within_500: '≤ 500 m' };
const WEEKDAY_SV = ['mån', 'tis', 'ons', 'tor', 'fre', 'lör', 'sön'];
const REASON_SV: Record<string, string> = {
  belysning: 'belysning', vegetation: 'vegetation', folksamlingar: 'folksamlingar', narkotika: 'narkotika', trafik: 'trafik',
  nedskrapning_klotter: 'nedskräpning/klotter', ode_plats: 'öde plats', ovrigt: 'övrigt',
};
const TIME_SV: Record<string, string> = { dag: 'dag', kvall: 'kväll', natt: 'natt', okand: 'okänd tid' };

/** A count as shown: suppressed ones as "<5" or "–" (complementary). */
export function countText(count: number | null, suppression: string | null): string {
  if (count !== null) return String(count);
  return suppression === 'small' ? '&lt;5' : '–';
}

/** Area in m² as Swedish text: m² below a hectare, else hectares. */
export function areaText(m2: number): string {
  return m2 < 10_000 ? `${Math.round(m2).toLocaleString('sv-SE')} m²` : `${(m2 / 10_000).toLocaleString('sv-SE', { maximumFractionDigits: 1 })} ha`;
}

function comparison(z: SiteReport['incidents']['categories'][number]['zones'][number]): string {
  if (z.direction === null) return '';
  const word = z.direction === 'higher' ? 'högre' : z.direction === 'lower' ? 'lägre' : 'som väntat';
  return `<span class="sc-cmp sc-${z.direction}${z.significant ? ' sc-sig' : ''}" title="förväntat ${z.expected.toLocaleString('sv-SE')}; p = ${z.p_value?.toPrecision(2) ?? '–'}">${word}${z.significant ? ' *' : ''}</span>`;
}

/** The printable site report (pure HTML): incidents by zone, time of day, marks, hotspots and the checklist. */
export function renderSiteReport(r: SiteReport): string {
  const zones = r.incidents.zones.map((z) => z.zone);
  const rows = r.incidents.categories
    .filter((c) => c.zones.some((z) => z.count !== 0))
    .map((c) => `<tr><th scope="row">${e(c.name_sv)}${c.police_initiated ? ' <span class="muted" title="Spaningsbrott: mäter polisens aktivitet lika mycket som brottsligheten">†</span>' : ''}</th>${c.zones
      .map((z) => `<td class="num">${countText(z.count, z.suppression)} ${comparison(z)}</td>`).join('')}</tr>`).join('');
  const totals = r.incidents.totals.map((t) => `<td class="num"><strong>${countText(t.count, t.suppression)}</strong></td>`).join('');
  const checklist = r.checklist.map((c) => `
    <li class="sc-check ${c.raised ? 'sc-raised' : 'sc-quiet'}" data-check="${e(c.key)}">
      <strong>${c.raised ? '⚠ ' : '✓ '}${e(c.title_sv)}</strong>
      ${c.raised ? `<p>${e(c.advice_sv)}</p><ul>${c.evidence.map((x) => `<li><span class="muted">${e(x.source)}:</span> ${e(x.detail)}</li>`).join('')}</ul>` : '<span class="muted"> — inget i underlaget pekar hit</span>'}
    </li>`).join('');
  const marks = r.survey_marks
    ? `<p>${r.survey_marks.total} markeringar inom ${r.survey_marks.distance_m} m (${r.survey_marks.inside_site} på platsen).</p>
       <p>Skäl: ${r.survey_marks.by_reason.map((x) => `${e(REASON_SV[x.reason] ?? x.reason)} ${x.count}`).join(', ') || '–'}</p>
       <p>Tid: ${r.survey_marks.by_time_of_day.map((x) => `${e(TIME_SV[x.time_of_day] ?? x.time_of_day)} ${x.count}`).join(', ') || '–'}</p>`
    : '<p class="muted">Din roll ser inte markeringar.</p>';
  const hot = r.hotspots
    ? r.hotspots.cells.length
      ? `<p>${r.hotspots.cells.filter((c) => c.class.startsWith('hot')).length} heta och ${r.hotspots.cells.filter((c) => c.class.startsWith('cold')).length} kalla celler (Gi*, 200 m) inom ${r.hotspots.cells.length ? Math.max(...r.hotspots.cells.map((c) => c.distance_m)) : 0} m.</p>`
      : '<p>Inga signifikanta hot spots i närheten.</p>'
    : '<p class="muted">Din roll ser inte hot spots.</p>';
  return `
  <div class="sc-report" data-role="site-report">
    <h3>${e(r.name ?? 'Platskontroll')}</h3>
    <p class="muted">${e(r.period.from)} – ${e(r.period.to)} · yta ${areaText(r.area_m2)}${r.buffer_m ? ` · buffert ${r.buffer_m} m` : ''}${r.saved_at ? ` · sparad ${e(r.saved_at.slice(0, 10))}` : ''}</p>
    <h4>Anmälda händelser mot kommunens nivå för samma yta</h4>
    <table class="sc-table"><thead><tr><th>Kategori</th>${zones.map((z) => `<th class="num">${ZONE_SV[z] ?? z}</th>`).join('')}</tr></thead>
      <tbody>${rows || `<tr><td colspan="${zones.length + 1}">Inga händelser i perioden.</td></tr>`}<tr><th scope="row">Totalt</th>${totals}</tr></tbody></table>
    <p class="muted">* statistiskt säkerställt (exakt test, p &lt; 0,05). ${r.suppressed ? 'Antal 1–4 visas som &lt;5, övriga avrundade till 5.' : ''}</p>
    <h4>När (inom ${r.time.distance_m} m)</h4>
    <p>${r.time.by_time_of_day.map((b) => `${e(TIME_SV[b.key] ?? b.key)} (${e(b.hours)}): ${countText(b.count, null)}`).join(' · ')}</p>
    <p>${r.time.by_weekday.map((n, k) => `${WEEKDAY_SV[k]} ${countText(n, null)}`).join(' · ')}</p>
    <h4>Otrygga platser</h4>${marks}
    <h4>Hot spots</h4>${hot}
    <h4>Checklista (CPTED / BoTryggt 2030)</h4>
    <ul class="sc-checklist">${checklist}</ul>
    ${r.notes.length ? `<p class="muted">${r.notes.map(e).join(' ')}</p>` : ''}
  </div>`;
}

/** The list of saved site checks, each with a reopen button. */
export function renderSavedList(items: SavedSiteCheck[]): string {
  if (!items.length) return '<p class="muted">Inga sparade platskontroller.</p>';
  return `<ul class="sc-saved">${items.map((s) => `<li><button type="button" data-reopen="${s.id}">${e(s.name ?? `#${s.id}`)}</button> <span class="muted">${e(s.created_at.slice(0, 10))} · ${areaText(s.area_m2)}</span></li>`).join('')}</ul>`;
}
