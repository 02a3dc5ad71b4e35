import { CATEGORY_BY_CODE } from '../../../shared/categories.ts';
import type { getPublicPromises, getPublicTrends } from './public.service.ts';

type Promises = Awaited<ReturnType<typeof getPublicPromises>>['promises'];
type Trends = Awaited<ReturnType<typeof getPublicTrends>>;

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const TREND = { up: 'ökar', down: 'minskar', stable: 'oförändrat' } as const;
const ACTOR = { police: 'Polisen', municipality: 'Kommunen' } as Record<string, string>;

/** An indicator key as the public reads it: a category's name or a survey share. */
function indicatorName(key: string): string {
  if (key.startsWith('survey:')) return ({ 'survey:otrygg': 'Andel otrygga ute sent en kväll', 'survey:avstar_aktivitet': 'Andel som avstår aktiviteter', 'survey:oro_brott': 'Andel oroliga för brott' } as Record<string, string>)[key] ?? `Trygghetsmätning: ${key.slice(7).replace(/_/g, ' ')}`;
  return `Anmälda händelser: ${CATEGORY_BY_CODE.get(key)?.sv ?? key}`;
}

function indicatorValue(key: string, v: number | null, suppressed: boolean): string {
  if (v === null) return suppressed ? '&lt;5' : '–';
  return key.startsWith('survey:') ? `${Math.round(v * 100)} %` : String(Math.round(v));
}

/** Whether the follow-up reached the target (the target's side of the baseline says which way is better). */
function progress(baseline: number | null, target: number | null, followup: number | null): string {
  if (baseline === null || target === null || followup === null) return '';
  const met = target <= baseline ? followup <= target : followup >= target;
  return met ? ' <span class="met">✓ målet nått</span>' : ' <span class="unmet">målet ej nått</span>';
}

function countCell(count: number | null, suppression: string | null): string {
  if (count !== null) return String(count);
  return suppression === 'small' ? '&lt;5' : '–';
}

/**
 * The public page (no sign-in, no script: it works under the strictest CSP and in any browser): published
 * citizen promises and district trends for open categories with small counts protected.
 */
export function renderPublicPage(p: { municipalityName: string; promises: Promises; trends: Trends }): string {
  const e = escapeHtml;
  const promises = p.promises.length
    ? p.promises.map((pr) => `
    <article class="promise">
      <h3>${e(pr.title)}</h3>
      <p class="meta">${e(pr.period_start)} – ${e(pr.period_end)}${pr.area.district_names.length ? ` · ${e(pr.area.district_names.filter(Boolean).join(', '))}` : ''}${pr.status === 'followed_up' ? ' · följts upp' : ''}</p>
      ${pr.problems.length ? `<h4>Problem</h4><ul>${pr.problems.map((x: string) => `<li>${e(x)}</li>`).join('')}</ul>` : ''}
      ${pr.indicators.length ? `<h4>Så följer vi upp</h4><table class="indicators"><thead><tr><th>Mått</th><th class="num">Utgångsläge</th><th class="num">Mål</th><th class="num">Uppföljning</th></tr></thead><tbody>${pr.indicators.map((i) => `<tr><td>${e(indicatorName(i.key))}</td><td class="num">${indicatorValue(i.key, i.baseline, i.suppressed)}</td><td class="num">${indicatorValue(i.key, i.target, i.suppressed)}</td><td class="num">${indicatorValue(i.key, i.followup, i.suppressed)}${progress(i.baseline, i.target, i.followup)}</td></tr>`).join('')}</tbody></table>` : ''}
      ${pr.commitments.length ? `<h4>Vi lovar</h4><ul>${pr.commitments.map((c) => `<li><strong>${e(ACTOR[c.actor] ?? c.actor)}:</strong> ${e(c.text)}${c.responsible ? ` <span class="meta">(${e(c.responsible)})</span>` : ''}</li>`).join('')}</ul>` : ''}
    </article>`).join('')
    : '<p>Inga publicerade medborgarlöften ännu.</p>';
  const rows = p.trends.districts.map((d) => `
      <tr><td>${e(d.name)}</td><td class="num">${countCell(d.count, d.suppression)}</td><td class="num">${countCell(d.previous_count, null)}</td><td>${d.trend ? TREND[d.trend] : '–'}</td></tr>`).join('');
  const cats = p.trends.categories.map((c) => CATEGORY_BY_CODE.get(c)?.sv ?? c).join(', ');
  return `<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Trygghet och brottsförebyggande arbete – ${e(p.municipalityName)}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 0 auto; padding: 1rem; color: #1d1d1b; line-height: 1.5; }
  h1 { font-size: 1.6rem; } .meta { color: #555; font-size: 0.9rem; }
  .promise { border-left: 4px solid #2e6b9e; padding: 0.25rem 1rem; margin: 1rem 0; background: #f5f8fb; }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #ddd; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .met { color: #1b6e2a; } .unmet { color: #8a4b00; } table.indicators { margin-bottom: 0.5rem; }
</style>
</head>
<body>
<header>
  <h1>Trygghet i ${e(p.municipalityName)}</h1>
  <p>Kommunen och polisen arbetar tillsammans mot brott och otrygghet. Här finns medborgarlöftena och hur anmälda händelser utvecklas i stadsdelarna.</p>
</header>
<main>
  <section id="promises">
    <h2>Medborgarlöften</h2>
    ${promises}
  </section>
  <section id="trends">
    <h2>Utveckling per område</h2>
    <p class="meta">${e(p.trends.period.from)} – ${e(p.trends.period.to)} jämfört med samma period ett år tidigare. Kategorier: ${e(cats)}.
    Antal under 5 visas som &lt;5 och vissa värden döljs (–) så att små tal inte kan räknas fram; övriga antal är avrundade till närmaste 5.</p>
    <table>
      <thead><tr><th>Område</th><th class="num">Antal</th><th class="num">Året före</th><th>Trend</th></tr></thead>
      <tbody>${rows}
      </tbody>
    </table>
  </section>
</main>
<footer><p class="meta"><a href="/">Till kartan (inloggning)</a></p></footer>
</body>
</html>`;
}
