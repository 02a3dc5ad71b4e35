/** Interface languages: Swedish first, English available. */
export type Lang = 'sv' | 'en';

const sv = {
  period: 'Period', category: 'Kategori', allCategories: 'Alla kategorier', compare: 'Jämför med',
  comparePrevious: 'föregående period', compareYear: 'samma period förra året',
  last30: 'Senaste 30 dagarna', last12: 'Senaste 12 månaderna', thisYear: 'I år', lastYear: 'Förra året',
  legendTitle: 'Anmälda händelser per 1 000 invånare', noPopulation: 'ingen befolkningsuppgift', suppressed: 'färre än 5 (dolt)',
  count: 'Antal', rate: 'Per 1 000 invånare', previous: 'Jämförelseperiod', change: 'Förändring',
  significant: 'statistiskt säkerställd', notSignificant: 'inte statistiskt säkerställd', population: 'Invånare',
  close: 'Stäng', loading: 'Laddar…', loadError: 'Kunde inte hämta data', empty: 'Inga händelser i perioden',
  unlocated: 'utan plats (räknas bara i kommunens total)', demo: 'Demodata — fiktiv kommun', language: 'Språk',
  kind_kommundel: 'Kommundel', kind_stadsdel: 'Stadsdel', kind_omrade: 'Område', pValue: 'p-värde',
};
const en: typeof sv = {
  period: 'Period', category: 'Category', allCategories: 'All categories', compare: 'Compare with',
  comparePrevious: 'previous period', compareYear: 'same period last year',
  last30: 'Last 30 days', last12: 'Last 12 months', thisYear: 'This year', lastYear: 'Last year',
  legendTitle: 'Reported incidents per 1,000 inhabitants', noPopulation: 'no population figure', suppressed: 'fewer than 5 (hidden)',
  count: 'Count', rate: 'Per 1,000 inhabitants', previous: 'Comparison period', change: 'Change',
  significant: 'statistically significant', notSignificant: 'not statistically significant', population: 'Inhabitants',
  close: 'Close', loading: 'Loading…', loadError: 'Could not load data', empty: 'No incidents in this period',
  unlocated: 'without location (municipality total only)', demo: 'Demo data — fictional municipality', language: 'Language',
  kind_kommundel: 'District', kind_stadsdel: 'Neighbourhood', kind_omrade: 'Area', pValue: 'p-value',
};

export type MessageKey = keyof typeof sv;
const dictionaries: Record<Lang, typeof sv> = { sv, en };

/** The translation of a key in a language. */
export function t(lang: Lang, key: MessageKey): string {
  return dictionaries[lang][key];
}

/** Locale for number and date formatting. */
export function locale(lang: Lang): string {
  return lang === 'sv' ? 'sv-SE' : 'en-GB';
}
