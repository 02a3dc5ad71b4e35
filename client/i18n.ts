/** Interface languages: Swedish first, English available. */
export type Lang = 'sv' | 'en';

const sv = {
  period: 'Period', category: 'Kategori', categories: 'Kategorier', allCategories: 'Alla kategorier', compare: 'Jämför med',
  comparePrevious: 'föregående period', compareYear: 'samma period förra året',
  last30: 'Senaste 30 dagarna', last12: 'Senaste 12 månaderna', thisYear: 'I år', lastYear: 'Förra året', custom: 'Egna datum…',
  from: 'Från', toInclusive: 'Till och med',
  legendTitle: 'Anmälda händelser per 1 000 invånare', legendCount: 'Anmälda händelser (antal)', legendChange: 'Förändring mot jämförelseperioden',
  noPopulation: 'ingen befolkningsuppgift', suppressed: 'färre än 5 (dolt)', noChange: 'ingen jämförelse möjlig',
  significantMark: 'tjock svart kant = statistiskt säkerställd förändring (p < 0,05)',
  count: 'Antal', rate: 'Per 1 000 invånare', previous: 'Jämförelseperiod', change: 'Förändring',
  significant: 'statistiskt säkerställd', notSignificant: 'inte statistiskt säkerställd', population: 'Invånare',
  close: 'Stäng', loading: 'Laddar…', loadError: 'Kunde inte hämta data', empty: 'Inga händelser i perioden',
  unlocated: 'utan plats (räknas bara i kommunens total)', demo: 'Demodata — fiktiv kommun', language: 'Språk',
  kind_kommundel: 'Kommundel', kind_stadsdel: 'Stadsdel', kind_omrade: 'Område', pValue: 'p-värde',
  sources: 'Källor', allSources: 'Alla källor', source_police: 'Polisen', source_municipality: 'Kommunen', source_housing: 'Bostadsbolag',
  source_security: 'Bevakningsföretag', source_transport: 'Kollektivtrafik', source_public: 'Invånare',
  district: 'Område', searchDistrict: 'Sök område', selectedCount: 'valda', all: 'alla',
  layers: 'Lager', layer_districts: 'Områden (koropletkarta)', layer_hotspots: 'Hot spots (Gi*)', layer_heatmap: 'Värmekarta',
  layer_points: 'Händelser som punkter', layer_survey: 'Trygghetsmätning: andel otrygga', layer_marks: 'Otrygga platser (markeringar)',
  layer_discrepancy: 'Säkerhet–trygghet (avvikelse)', layer_plans: 'Prioriteringar, medborgarlöften, insatser',
  metric: 'Visa', metric_rate: 'per 1 000 invånare', metric_count: 'antal', metric_change: 'förändring',
  notAvailable: 'inte tillgängligt ännu', notPermitted: 'din roll får inte se detta', signInHint: 'logga in för mer',
  truncated: 'visar de första', points: 'punkter', snapped: 'punkter flyttade till 100 m-rutans mitt',
  binned: 'summerat i rutor — zooma in för punkter',
  timeline: 'Tidsreglage', play: 'Spela', pause: 'Paus', wholePeriod: 'Hela perioden', step_week: 'vecka för vecka', step_month: 'månad för månad',
  mode_cumulative: 'ackumulerat', mode_window: 'glidande fönster', frame: 'Bild',
  hot99: 'Hot spot 99 %', hot95: 'Hot spot 95 %', hot90: 'Hot spot 90 %', ns: 'Inte signifikant', cold90: 'Cold spot 90 %', cold95: 'Cold spot 95 %', cold99: 'Cold spot 99 %',
  emerging: 'Framväxande mönster', emergingSymbols: 'N ny · ↑ förstärks · ● ihållande · ↓ avtar · ~ sporadisk', playingPaused: 'uppdateras när uppspelningen stoppas',
  reasons: 'Skäl', timeOfDay: 'Tid på dygnet', dag: 'dag', kvall: 'kväll', natt: 'natt',
  reason_belysning: 'Belysning', reason_vegetation: 'Vegetation', reason_folksamlingar: 'Folksamlingar', reason_narkotika: 'Narkotika',
  reason_trafik: 'Trafik', reason_nedskrapning_klotter: 'Nedskräpning/klotter', reason_ode_plats: 'Öde plats', reason_ovrigt: 'Övrigt',
  surveyGroup: 'Grupp', group_all: 'Alla', group_kvinna: 'Kvinnor', group_man: 'Män', group_annat: 'Annat', group_uppgift_saknas: 'Uppgift saknas', shareUnsafe: 'Andel otrygga kvällstid',
  surveyResults: 'Trygghetsmätning', byGender: 'Efter kön', byAge: 'Efter åldersgrupp', ci: '95 % konfidensintervall',
  discrepancy: 'Säkerhet–trygghet', monthlyTrend: 'Utveckling per månad', topCategories: 'Vanligaste kategorierna',
  weekdayHour: 'Veckodag × timme', yearWheel: 'Årshjul (per kalendermånad)', weekdays: 'Mån,Tis,Ons,Tor,Fre,Lör,Sön',
  months: 'jan,feb,mar,apr,maj,jun,jul,aug,sep,okt,nov,dec',
  exports: 'Exportera', exportPng: 'Karta (PNG)', exportCsv: 'Tabell (CSV)', exportGeojson: 'Områden (GeoJSON)',
  filtersLabel: 'Filter', dataCutoff: 'Dataläge', sourcesLabel: 'Källor', title: 'Lägesbild',
  policeInitiatedNote: 'Narkotika och langning upptäcks mest genom polisens egna insatser: antalet speglar polisens aktivitet lika mycket som brottsligheten.',
  noData: 'ingen uppgift', disc_both_high: 'Många händelser och otryggt', disc_unsafe_few_incidents: 'Otryggt men få händelser', disc_incidents_felt_safe: 'Händelser men tryggt', disc_both_low: 'Få händelser och tryggt', disc_insufficient_data: 'För lite underlag', promisesCount: 'publicerade medborgarlöften', promisesOnly: 'prioriteringar och insatser visas när de finns i systemet', outlinesOnly: 'visas som konturer under den valda ytfärgningen',
  // i11: monthly trends leave out months the period covers only in part.
  partialMonthsOmitted: 'Ofullständiga månader utelämnade (perioden täcker bara en del av dem)',
  // Council meetings (client/features/meetings).
  mt_meetings: 'Rådsmöten', mt_council: 'Råd', mt_councils: 'Råden', mt_date: 'Datum', mt_status_open: 'Öppet', mt_status_closed: 'Avslutat',
  mt_present: 'Presentera', mt_minutes: 'Protokoll', mt_close: 'Avsluta mötet och frys siffrorna', mt_closeConfirm: 'Avsluta mötet? Siffrorna fryses och prioriteringarna kan inte längre ändras.',
  mt_asOf: 'Läge per', mt_live: 'Aktuella siffror (mötet är öppet)', mt_agenda: 'Dagordning', mt_priorities: 'Beslutade prioriteringar', mt_noPriorities: 'Inga prioriteringar ännu',
  mt_problem: 'Problem', mt_focusArea: 'Fokusområde', mt_place: 'Plats', mt_rationale: 'Motivering', mt_owner: 'Ansvarig (nämnd eller förvaltning)', mt_due: 'Klart senast',
  mt_status: 'Status', mt_record: 'Spara prioritering', mt_back: 'Tillbaka till kartan', mt_leave: 'Esc lämnar · ←/→ bläddrar', mt_step: 'Steg',
  mt_trend: 'Utveckling', mt_hotspots: 'Hot spots i området', mt_noHotspots: 'Inga signifikanta hot spots', mt_survey: 'Trygghet (andel otrygga kvällstid)',
  mt_openActions: 'Pågående insatser', mt_promises: 'Medborgarlöften', mt_none: 'Inga', mt_noAccess: 'Din roll får inte se rådsmöten.', mt_signIn: 'Logga in för att se rådsmöten.',
  mt_pickCouncil: 'Välj råd', mt_cells: 'rutor', mt_print: 'Skriv ut / spara som PDF', mt_filters: 'Filter', mt_period: 'Period', mt_members: 'ledamöter',
  mt_pstatus_proposed: 'föreslagen', mt_pstatus_decided: 'beslutad', mt_pstatus_done: 'genomförd', mt_pstatus_dropped: 'struken', mt_overview: 'Översikt', mt_end: 'Slut på dagordningen',
  mt_newCouncil: 'Nytt råd', mt_editCouncil: 'Redigera rådet', mt_councilName: 'Namn', mt_level: 'Nivå', mt_level_local: 'Lokalt råd', mt_level_coordinating: 'Samordnande råd',
  mt_councilMembers: 'Ledamöter', mt_saveCouncil: 'Spara rådet', mt_cancel: 'Avbryt', mt_newMeeting: 'Nytt möte', mt_title: 'Rubrik', mt_createMeeting: 'Skapa mötet',
  mt_editPriority: 'Ändra prioritering', mt_savePriority: 'Spara ändringen', mt_edit: 'Ändra', mt_actions: 'Insatser', mt_newAction: 'Ny insats', mt_editAction: 'Ändra insats',
  mt_actionTitle: 'Insats', mt_responsible: 'Ansvarig nämnd eller förvaltning', mt_start: 'Start', mt_endDate: 'Slut', mt_linkedPriority: 'Kopplad till prioritering',
  mt_indicators: 'Indikatorer att följa upp', mt_saveAction: 'Spara insatsen', mt_noActions: 'Inga insatser i mötets områden ännu', mt_followUp: 'Uppföljning av pågående insatser',
  mt_noOpenActions: 'Inga pågående eller planerade insatser', mt_indicator: 'Indikator', mt_before: 'Före', mt_after: 'Efter', mt_verdict: 'Bedömning', mt_points: 'procentenheter',
  mt_noIndicators: 'Inga indikatorer valda', mt_surveyShare: 'Trygghetsmätning', mt_ind_otrygg: 'andel otrygga kvällstid', mt_ind_oro_brott: 'andel oroliga för brott',
  mt_ind_avstar_aktivitet: 'andel som avstår aktiviteter', mt_ind_gar_aldrig_ut: 'andel som aldrig går ut', mt_astatus_planned: 'planerad', mt_astatus_ongoing: 'pågår',
  mt_astatus_done: 'genomförd', mt_astatus_cancelled: 'avbruten', mt_role_council: 'rådsledamot', mt_role_planner: 'planerare', mt_role_analyst: 'analytiker', mt_role_police: 'polis',
  mt_mapOf: 'Karta över', mt_mapLegend: 'Anmälda händelser per 1 000 invånare i mötets områden (frysta siffror)',
};
const en: typeof sv = {
  period: 'Period', category: 'Category', categories: 'Categories', allCategories: 'All categories', compare: 'Compare with',
  comparePrevious: 'previous period', compareYear: 'same period last year',
  last30: 'Last 30 days', last12: 'Last 12 months', thisYear: 'This year', lastYear: 'Last year', custom: 'Custom dates…',
  from: 'From', toInclusive: 'To (inclusive)',
  legendTitle: 'Reported incidents per 1,000 inhabitants', legendCount: 'Reported incidents (count)', legendChange: 'Change against the comparison period',
  noPopulation: 'no population figure', suppressed: 'fewer than 5 (hidden)', noChange: 'no comparison possible',
  significantMark: 'thick black outline = statistically significant change (p < 0.05)',
  count: 'Count', rate: 'Per 1,000 inhabitants', previous: 'Comparison period', change: 'Change',
  significant: 'statistically significant', notSignificant: 'not statistically significant', population: 'Inhabitants',
  close: 'Close', loading: 'Loading…', loadError: 'Could not load data', empty: 'No incidents in this period',
  unlocated: 'without location (municipality total only)', demo: 'Demo data — fictional municipality', language: 'Language',
  kind_kommundel: 'District', kind_stadsdel: 'Neighbourhood', kind_omrade: 'Area', pValue: 'p-value',
  sources: 'Sources', allSources: 'All sources', source_police: 'Police', source_municipality: 'Municipality', source_housing: 'Housing companies',
  source_security: 'Security firms', source_transport: 'Public transport', source_public: 'Residents',
  district: 'District', searchDistrict: 'Find a district', selectedCount: 'selected', all: 'all',
  layers: 'Layers', layer_districts: 'Districts (choropleth)', layer_hotspots: 'Hotspots (Gi*)', layer_heatmap: 'Heatmap',
  layer_points: 'Incidents as points', layer_survey: 'Safety survey: share feeling unsafe', layer_marks: 'Unsafe places (marks)',
  layer_discrepancy: 'Crime vs perceived safety (discrepancy)', layer_plans: 'Priorities, citizen promises, actions',
  metric: 'Show', metric_rate: 'per 1,000 inhabitants', metric_count: 'count', metric_change: 'change',
  notAvailable: 'not available yet', notPermitted: 'your role may not see this', signInHint: 'sign in for more',
  truncated: 'showing the first', points: 'points', snapped: 'points moved to the centre of their 100 m cell',
  binned: 'summed in cells — zoom in for points',
  timeline: 'Time slider', play: 'Play', pause: 'Pause', wholePeriod: 'Whole period', step_week: 'week by week', step_month: 'month by month',
  mode_cumulative: 'cumulative', mode_window: 'moving window', frame: 'Frame',
  hot99: 'Hotspot 99%', hot95: 'Hotspot 95%', hot90: 'Hotspot 90%', ns: 'Not significant', cold90: 'Cold spot 90%', cold95: 'Cold spot 95%', cold99: 'Cold spot 99%',
  emerging: 'Emerging patterns', emergingSymbols: 'N new · ↑ intensifying · ● persistent · ↓ diminishing · ~ sporadic', playingPaused: 'updates when playback stops',
  reasons: 'Reasons', timeOfDay: 'Time of day', dag: 'day', kvall: 'evening', natt: 'night',
  reason_belysning: 'Lighting', reason_vegetation: 'Vegetation', reason_folksamlingar: 'Gatherings', reason_narkotika: 'Drugs',
  reason_trafik: 'Traffic', reason_nedskrapning_klotter: 'Litter/graffiti', reason_ode_plats: 'Deserted place', reason_ovrigt: 'Other',
  surveyGroup: 'Group', group_all: 'Everyone', group_kvinna: 'Women', group_man: 'Men', group_annat: 'Other', group_uppgift_saknas: 'Not stated', shareUnsafe: 'Share unsafe in the evening',
  surveyResults: 'Safety survey', byGender: 'By gender', byAge: 'By age group', ci: '95% confidence interval',
  discrepancy: 'Crime vs perceived safety', monthlyTrend: 'Monthly trend', topCategories: 'Top categories',
  weekdayHour: 'Weekday × hour', yearWheel: 'Annual cycle (årshjul, by calendar month)', weekdays: 'Mon,Tue,Wed,Thu,Fri,Sat,Sun',
  months: 'Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec',
  exports: 'Export', exportPng: 'Map (PNG)', exportCsv: 'Table (CSV)', exportGeojson: 'Districts (GeoJSON)',
  filtersLabel: 'Filters', dataCutoff: 'Data as of', sourcesLabel: 'Sources', title: 'Situation picture',
  policeInitiatedNote: 'Drug offences and supply to minors are mostly found by police-initiated work: their counts measure police activity as much as crime.',
  noData: 'no data', disc_both_high: 'Many incidents and felt unsafe', disc_unsafe_few_incidents: 'Felt unsafe but few incidents', disc_incidents_felt_safe: 'Incidents but felt safe', disc_both_low: 'Few incidents and felt safe', disc_insufficient_data: 'Too little data', promisesCount: 'published citizen promises', promisesOnly: 'priorities and actions appear once they exist', outlinesOnly: 'shown as outlines under the selected fill',
  // i11: monthly trends leave out months the period covers only in part.
  partialMonthsOmitted: 'Incomplete months left out (the period covers only part of them)',
  // Council meetings (client/features/meetings).
  mt_meetings: 'Council meetings', mt_council: 'Council', mt_councils: 'Councils', mt_date: 'Date', mt_status_open: 'Open', mt_status_closed: 'Closed',
  mt_present: 'Present', mt_minutes: 'Minutes', mt_close: 'Close the meeting and freeze the numbers', mt_closeConfirm: 'Close the meeting? The numbers are frozen and priorities can no longer change.',
  mt_asOf: 'As of', mt_live: 'Current numbers (the meeting is open)', mt_agenda: 'Agenda', mt_priorities: 'Decided priorities', mt_noPriorities: 'No priorities yet',
  mt_problem: 'Problem', mt_focusArea: 'Focus area', mt_place: 'Place', mt_rationale: 'Rationale', mt_owner: 'Owner (committee or office)', mt_due: 'Due',
  mt_status: 'Status', mt_record: 'Save priority', mt_back: 'Back to the map', mt_leave: 'Esc leaves · ←/→ steps', mt_step: 'Step',
  mt_trend: 'Trend', mt_hotspots: 'Hotspots in the district', mt_noHotspots: 'No significant hotspots', mt_survey: 'Safety (share unsafe in the evening)',
  mt_openActions: 'Ongoing actions', mt_promises: 'Citizen promises', mt_none: 'None', mt_noAccess: 'Your role may not see council meetings.', mt_signIn: 'Sign in to see council meetings.',
  mt_pickCouncil: 'Choose a council', mt_cells: 'cells', mt_print: 'Print / save as PDF', mt_filters: 'Filters', mt_period: 'Period', mt_members: 'members',
  mt_pstatus_proposed: 'proposed', mt_pstatus_decided: 'decided', mt_pstatus_done: 'done', mt_pstatus_dropped: 'dropped', mt_overview: 'Overview', mt_end: 'End of the agenda',
  mt_newCouncil: 'New council', mt_editCouncil: 'Edit the council', mt_councilName: 'Name', mt_level: 'Level', mt_level_local: 'Local council', mt_level_coordinating: 'Coordinating council',
  mt_councilMembers: 'Members', mt_saveCouncil: 'Save the council', mt_cancel: 'Cancel', mt_newMeeting: 'New meeting', mt_title: 'Title', mt_createMeeting: 'Create the meeting',
  mt_editPriority: 'Edit priority', mt_savePriority: 'Save the change', mt_edit: 'Edit', mt_actions: 'Actions', mt_newAction: 'New action', mt_editAction: 'Edit action',
  mt_actionTitle: 'Action', mt_responsible: 'Responsible committee or office', mt_start: 'Start', mt_endDate: 'End', mt_linkedPriority: 'Linked to priority',
  mt_indicators: 'Indicators to follow up', mt_saveAction: 'Save the action', mt_noActions: 'No actions in the meeting\'s districts yet', mt_followUp: 'Follow-up of ongoing actions',
  mt_noOpenActions: 'No ongoing or planned actions', mt_indicator: 'Indicator', mt_before: 'Before', mt_after: 'After', mt_verdict: 'Assessment', mt_points: 'percentage points',
  mt_noIndicators: 'No indicators chosen', mt_surveyShare: 'Safety survey', mt_ind_otrygg: 'share unsafe in the evening', mt_ind_oro_brott: 'share worried about crime',
  mt_ind_avstar_aktivitet: 'share avoiding activities', mt_ind_gar_aldrig_ut: 'share never going out', mt_astatus_planned: 'planned', mt_astatus_ongoing: 'ongoing',
  mt_astatus_done: 'done', mt_astatus_cancelled: 'cancelled', mt_role_council: 'council member', mt_role_planner: 'planner', mt_role_analyst: 'analyst', mt_role_police: 'police',
  mt_mapOf: 'Map of', mt_mapLegend: 'Reported incidents per 1,000 inhabitants in the meeting\'s districts (frozen numbers)',
};

export type MessageKey = keyof typeof sv;
const dictionaries: Record<Lang, typeof sv> = { sv, en };

/** The translation of a key in a language; an unknown dynamic key comes back as itself. */
export function t(lang: Lang, key: MessageKey): string {
  return dictionaries[lang][key] ?? key;
}

/** A dynamic key (e.g. `reason_${code}`), falling back to the raw code when there is no translation. */
export function tx(lang: Lang, key: string): string {
  return (dictionaries[lang] as Record<string, string>)[key] ?? key.replace(/^[a-z]+_/, '');
}

/** Locale for number and date formatting. */
export function locale(lang: Lang): string {
  return lang === 'sv' ? 'sv-SE' : 'en-GB';
}
