import { locale, t, tx, type Lang } from '../../i18n.ts';
import type { SavedSiteCheck, SiteReport } from './site-checks.api.ts';

const e = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** A zone's column heading: the site itself, or "≤ N m" around it. */
const zoneText = (zone: string, distance: number, lang: Lang) => (zone === 'site' ? t(lang, 'sc_zone_site') : `≤ ${distance} m`);
const reasonText = (reason: string, lang: Lang) => tx(lang, `reason_${reason}`).toLowerCase();
const timeText = (key: string, lang: Lang) => (key === 'okand' ? t(lang, 'sc_okand') : tx(lang, key));
/** Fills {name} placeholders of a translated text. */
const fill = (text: string, values: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));

/** A count as shown: suppressed ones as "<5" or "–" (complementary). */
export function countText(count: number | null, suppression: string | null): string {
  if (count !== null) return String(count);
  return suppression === 'small' ? '&lt;5' : '–';
}

/** Area in m² as text in the language: m² below a hectare, else hectares. */
export function areaText(m2: number, lang: Lang = 'sv'): string {
  return m2 < 10_000 ? `${Math.round(m2).toLocaleString(locale(lang))} m²` : `${(m2 / 10_000).toLocaleString(locale(lang), { maximumFractionDigits: 1 })} ha`;
}

function comparison(z: SiteReport['incidents']['categories'][number]['zones'][number], lang: Lang): string {
  if (z.direction === null) return '';
  const word = t(lang, z.direction === 'higher' ? 'sc_higher' : z.direction === 'lower' ? 'sc_lower' : 'sc_asExpected');
  return `<span class="sc-cmp sc-${z.direction}${z.significant ? ' sc-sig' : ''}" title="${t(lang, 'sc_expected')} ${z.expected.toLocaleString(locale(lang))}; p = ${z.p_value?.toPrecision(2) ?? '–'}">${word}${z.significant ? ' *' : ''}</span>`;
}

/** The printable site report (pure HTML) in the language: incidents by zone, time of day, marks, hotspots and the checklist. */
export function renderSiteReport(r: SiteReport, lang: Lang = 'sv'): string {
  const zones = r.incidents.zones;
  const weekdays = t(lang, 'weekdays').split(',').map((d) => d.toLowerCase());
  const rows = r.incidents.categories
    .filter((c) => c.zones.some((z) => z.count !== 0))
    .map((c) => `<tr><th scope="row">${e(lang === 'sv' ? c.name_sv : c.name_en)}${c.police_initiated ? ` <span class="muted" title="${e(t(lang, 'sc_policeInitiated'))}">†</span>` : ''}</th>${c.zones
      .map((z) => `<td class="num">${countText(z.count, z.suppression)} ${comparison(z, lang)}</td>`).join('')}</tr>`).join('');
  const totals = r.incidents.totals.map((x) => `<td class="num"><strong>${countText(x.count, x.suppression)}</strong></td>`).join('');
  // The advice is written in Swedish only (server checklist); titles come in both languages.
  const checklist = r.checklist.map((c) => `
    <li class="sc-check ${c.raised ? 'sc-raised' : 'sc-quiet'}" data-check="${e(c.key)}">
      <strong>${c.raised ? '⚠ ' : '✓ '}${e(lang === 'sv' ? c.title_sv : c.title_en)}</strong>
      ${c.raised ? `<p>${e(c.advice_sv)}</p><ul>${c.evidence.map((x) => `<li><span class="muted">${e(x.source)}:</span> ${e(x.detail)}</li>`).join('')}</ul>` : `<span class="muted"> — ${t(lang, 'sc_nothingPoints')}</span>`}
    </li>`).join('');
  const marks = r.survey_marks
    ? `<p>${r.survey_marks.total} ${t(lang, 'sc_marksWithin')} ${r.survey_marks.distance_m} m (${r.survey_marks.inside_site} ${t(lang, 'sc_onSite')}).</p>
       <p>${t(lang, 'sc_reasons')}: ${r.survey_marks.by_reason.map((x) => `${e(reasonText(x.reason, lang))} ${x.count}`).join(', ') || '–'}</p>
       <p>${t(lang, 'sc_time')}: ${r.survey_marks.by_time_of_day.map((x) => `${e(timeText(x.time_of_day, lang))} ${x.count}`).join(', ') || '–'}</p>`
    : `<p class="muted">${t(lang, 'sc_marksHidden')}</p>`;
  const hot = r.hotspots
    ? r.hotspots.cells.length
      ? `<p>${e(fill(t(lang, 'sc_hotCold'), {
        hot: r.hotspots.cells.filter((c) => c.class.startsWith('hot')).length, cold: r.hotspots.cells.filter((c) => c.class.startsWith('cold')).length,
        d: Math.max(...r.hotspots.cells.map((c) => c.distance_m)),
      }))}</p>`
      : `<p>${t(lang, 'sc_noHotspots')}</p>`
    : `<p class="muted">${t(lang, 'sc_hotspotsHidden')}</p>`;
  return `
  <div class="sc-report" data-role="site-report">
    <h3>${e(r.name ?? t(lang, 'sc_title'))}</h3>
    <p class="muted">${e(r.period.from)} – ${e(r.period.to)} · ${t(lang, 'sc_area').toLowerCase()} ${areaText(r.area_m2, lang)}${r.buffer_m ? ` · ${t(lang, 'sc_plusBuffer')} ${r.buffer_m} m` : ''}${r.saved_at ? ` · ${t(lang, 'sc_savedOn')} ${e(r.saved_at.slice(0, 10))}` : ''}</p>
    <h4>${t(lang, 'sc_incidentsHeading')}</h4>
    <table class="sc-table"><thead><tr><th>${t(lang, 'sc_category')}</th>${zones.map((z) => `<th class="num">${e(zoneText(z.zone, z.distance_m, lang))}</th>`).join('')}</tr></thead>
      <tbody>${rows || `<tr><td colspan="${zones.length + 1}">${t(lang, 'sc_noIncidents')}</td></tr>`}<tr><th scope="row">${t(lang, 'sc_total')}</th>${totals}</tr></tbody></table>
    <p class="muted">${e(t(lang, 'sc_sigNote'))} ${r.suppressed ? e(t(lang, 'sc_suppressedNote')) : ''}</p>
    <h4>${e(fill(t(lang, 'sc_when'), { d: r.time.distance_m }))}</h4>
    <p>${r.time.by_time_of_day.map((b) => `${e(timeText(b.key, lang))} (${e(b.hours)}): ${countText(b.count, null)}`).join(' · ')}</p>
    <p>${r.time.by_weekday.map((n, k) => `${e(weekdays[k] ?? String(k))} ${countText(n, null)}`).join(' · ')}</p>
    <h4>${t(lang, 'sc_unsafePlaces')}</h4>${marks}
    <h4>${t(lang, 'sc_hotspots')}</h4>${hot}
    <h4>${t(lang, 'sc_checklist')}</h4>
    <ul class="sc-checklist">${checklist}</ul>
    ${r.notes.length ? `<p class="muted">${r.notes.map(e).join(' ')}</p>` : ''}
  </div>`;
}

/** The list of saved site checks, each with a reopen button. */
export function renderSavedList(items: SavedSiteCheck[], lang: Lang = 'sv'): string {
  if (!items.length) return `<p class="muted">${t(lang, 'sc_noSaved')}</p>`;
  return `<ul class="sc-saved">${items.map((s) => `<li><button type="button" data-reopen="${s.id}">${e(s.name ?? `#${s.id}`)}</button> <span class="muted">${e(s.created_at.slice(0, 10))} · ${areaText(s.area_m2, lang)}</span></li>`).join('')}</ul>`;
}
