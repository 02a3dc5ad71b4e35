/**
 * The checklist of a site check: the CPTED themes of Boverket's BoTryggt 2030 (lighting, sight lines
 * and vegetation, entrances and passages, activity over the day, maintenance), each raised only by
 * evidence in the report and saying which. Pure: it reads the published (already protected) numbers,
 * so nothing it says reveals a suppressed count.
 */

export interface ChecklistEvidence {
  source: 'incidents' | 'time' | 'survey_marks' | 'hotspots';
  detail: string;
}

export interface ChecklistItem {
  key: 'lighting' | 'sight_lines_vegetation' | 'entrances_passages' | 'activity_over_day' | 'maintenance';
  title_sv: string;
  title_en: string;
  advice_sv: string;
  raised: boolean;
  evidence: ChecklistEvidence[];
}

/** What the checklist reads from the report. Counts are the published ones (null when suppressed). */
export interface ChecklistInput {
  /** Per category, the zone comparisons that are significantly above the municipality's rate. */
  higher: { category: string; name_sv: string; zone_m: number; count: number | null; expected: number }[];
  time: { zone_m: number; total: number | null; dag: number | null; kvall: number | null; natt: number | null };
  marks: { zone_m: number; total: number; by_reason: Record<string, number>; by_time: Record<string, number> };
  hot_cells: { class: string; distance_m: number }[];
}

/** Categories whose excess near a site points at a theme. */
const ENTRANCE_CATEGORIES = ['inbrott_bostad', 'ran', 'stold', 'cykelstold', 'fordonsbrott', 'misshandel', 'hot'];
const ACTIVITY_CATEGORIES = ['ordningsstorning', 'folksamling', 'misshandel', 'hot', 'ran'];
const MAINTENANCE_CATEGORIES = ['klotter', 'skadegorelse', 'nedskrapning', 'brand'];
/** Below this many incidents a time-of-day share says little. */
const MIN_TIME_TOTAL = 10;

const pct = (x: number) => `${Math.round(x * 100)} %`;

function higherEvidence(input: ChecklistInput, codes: string[]): ChecklistEvidence[] {
  return input.higher
    .filter((h) => codes.includes(h.category))
    .map((h) => ({
      source: 'incidents' as const,
      detail: `${h.name_sv}: ${h.count ?? '<5'} inom ${h.zone_m === 0 ? 'platsen' : `${h.zone_m} m`} mot förväntat ${h.expected.toFixed(1)} (signifikant högre än kommunens nivå)`,
    }));
}

function markEvidence(input: ChecklistInput, reasons: string[], label: Record<string, string>): ChecklistEvidence[] {
  return reasons
    .filter((r) => (input.marks.by_reason[r] ?? 0) > 0)
    .map((r) => ({
      source: 'survey_marks' as const,
      detail: `${input.marks.by_reason[r]} markering${input.marks.by_reason[r] === 1 ? '' : 'ar'} av otrygg plats inom ${input.marks.zone_m} m anger ${label[r]}`,
    }));
}

/** Builds the five checklist items from the report's evidence; an item with no evidence is listed, not raised. */
export function buildChecklist(input: ChecklistInput): ChecklistItem[] {
  const t = input.time;
  const timeKnown = t.total !== null && t.total >= MIN_TIME_TOTAL;
  const darkShare = timeKnown ? ((t.kvall ?? 0) + (t.natt ?? 0)) / t.total! : 0;
  const nightShare = timeKnown ? (t.natt ?? 0) / t.total! : 0;
  const markDarkShare = input.marks.total ? ((input.marks.by_time.kvall ?? 0) + (input.marks.by_time.natt ?? 0)) / input.marks.total : 0;
  const hot = input.hot_cells.filter((c) => c.class.startsWith('hot'));

  const lighting: ChecklistEvidence[] = [
    ...markEvidence(input, ['belysning'], { belysning: 'dålig belysning' }),
    ...(timeKnown && darkShare >= 0.5
      ? [{ source: 'time' as const, detail: `${pct(darkShare)} av händelserna inom ${t.zone_m} m sker kväll eller natt (18–06)` }]
      : []),
    ...(input.marks.total >= 3 && markDarkShare >= 0.5
      ? [{ source: 'survey_marks' as const, detail: `${pct(markDarkShare)} av markeringarna gäller kväll eller natt` }]
      : []),
  ];
  const sight = markEvidence(input, ['vegetation', 'ode_plats'], { vegetation: 'vegetation som skymmer', ode_plats: 'öde plats' });
  const entrances: ChecklistEvidence[] = [
    ...higherEvidence(input, ENTRANCE_CATEGORIES),
    ...markEvidence(input, ['trafik'], { trafik: 'trafik' }),
    ...(hot.some((c) => c.distance_m <= 250)
      ? [{ source: 'hotspots' as const, detail: `${hot.filter((c) => c.distance_m <= 250).length} signifikant het(a) cell(er) (Gi*) inom 250 m` }]
      : []),
  ];
  const activity: ChecklistEvidence[] = [
    ...higherEvidence(input, ACTIVITY_CATEGORIES.filter((c) => !ENTRANCE_CATEGORIES.includes(c))),
    ...markEvidence(input, ['folksamlingar', 'ode_plats', 'narkotika'], { folksamlingar: 'folksamlingar', ode_plats: 'öde plats', narkotika: 'narkotika' }),
    ...(timeKnown && nightShare >= 0.3
      ? [{ source: 'time' as const, detail: `${pct(nightShare)} av händelserna inom ${t.zone_m} m sker på natten (22–06)` }]
      : []),
    ...(hot.length ? [{ source: 'hotspots' as const, detail: `${hot.length} signifikant het(a) cell(er) (Gi*) inom 500 m` }] : []),
  ];
  const maintenance: ChecklistEvidence[] = [
    ...higherEvidence(input, MAINTENANCE_CATEGORIES),
    ...markEvidence(input, ['nedskrapning_klotter'], { nedskrapning_klotter: 'nedskräpning eller klotter' }),
  ];

  return [
    {
      key: 'lighting', title_sv: 'Belysning', title_en: 'Lighting', raised: lighting.length > 0, evidence: lighting,
      advice_sv: 'Jämn belysning av gångstråk, entréer och hållplatser utan bländning; belys ansikten och vegetation, inte bara marken.',
    },
    {
      key: 'sight_lines_vegetation', title_sv: 'Siktlinjer och vegetation', title_en: 'Sight lines and vegetation', raised: sight.length > 0, evidence: sight,
      advice_sv: 'Öppna siktlinjer längs stråk; låg vegetation (under ca 0,5 m) och höga trädkronor (över ca 2 m) nära gångvägar; undvik skymda hörn.',
    },
    {
      key: 'entrances_passages', title_sv: 'Entréer och passager', title_en: 'Entrances and passages', raised: entrances.length > 0, evidence: entrances,
      advice_sv: 'Tydliga, överblickbara entréer mot gata; undvik tunnlar och återvändsgränder; säkra cykelparkering och förråd nära entréer.',
    },
    {
      key: 'activity_over_day', title_sv: 'Aktivitet över dygnet', title_en: 'Activity over the day', raised: activity.length > 0, evidence: activity,
      advice_sv: 'Blandade funktioner och fönster mot stråket ger naturlig övervakning under dygnets alla timmar; planera för kvälls- och nattaktivitet.',
    },
    {
      key: 'maintenance', title_sv: 'Skötsel och underhåll', title_en: 'Maintenance', raised: maintenance.length > 0, evidence: maintenance,
      advice_sv: 'Tålig utformning och tydligt skötselansvar; snabb sanering av klotter och nedskräpning (inom 24 h) signalerar att platsen är omhändertagen.',
    },
  ];
}
