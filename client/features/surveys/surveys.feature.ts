import { t, tx, type Lang } from '../../i18n.ts';
import { SURVEY_GROUPS, type ViewState } from '../../state/view.ts';
import { NO_DATA, shareColor } from '../../ui/color-scale.ts';
import { escapeHtml } from '../../ui/format.ts';
import type { MapFeature } from '../contract.ts';
import { districtFillLayer } from '../districts/districts.layers.ts';
import { fetchShares, fetchSurveys, sharesByDistrict, type ShareRow } from './surveys.api.ts';
import { surveyLegend } from './surveys.legend.ts';

const groupName = (group: string, lang: Lang) => (/\d/.test(group) ? group : tx(lang, `group_${group}`));

/** The latest survey's shares by district, gender and age group, at the statistics' district level. */
export async function loadShares(municipality: string, level: string | null, signal: AbortSignal): Promise<ShareRow[]> {
  const surveys = await fetchSurveys(municipality, signal);
  if (!surveys.length) return [];
  const id = surveys[0].id;
  const parts = await Promise.all(['district', 'district,gender', 'district,age_group'].map((by) => fetchShares(id, by, { municipality, level: level ?? undefined }, signal)));
  return parts.flat();
}

/** Safety survey: the share feeling unsafe in the evening per district, for the chosen group. */
export const surveyFeature: MapFeature<ShareRow[]> = {
  id: 'survey',
  order: -1,
  requestKey: ({ query, level }) => JSON.stringify([query.municipality, level]),
  load: ({ query, level }, signal) => loadShares(query.municipality, level, signal),
  layers(data, ctx, version) {
    if (!data) return [];
    const byDistrict = sharesByDistrict(data, ctx.view.surveyGroup);
    return [districtFillLayer('survey-fill', ctx.districts, (f) => {
      const r = byDistrict.get(f.properties.id);
      return [...(r && !r.suppressed ? shareColor(r.share) : NO_DATA), 215];
    }, `${version}|${ctx.view.surveyGroup}`)];
  },
  legend: (_data, lang, ctx) => surveyLegend(lang, groupName(ctx.view.surveyGroup, lang)),
  coversDistricts: (ctx) => ctx.dataOf('survey') !== null,
  control: {
    label: (lang) => tx(lang, 'layer_survey'),
    options: (lang) => `<div data-part="options"><label>${t(lang, 'surveyGroup')} <select name="group" id="survey-group">${SURVEY_GROUPS.map((g) => `<option value="${g}">${escapeHtml(groupName(g, lang))}</option>`).join('')}</select></label></div>`,
    onInput: (input) => (input.name === 'group' ? { surveyGroup: input.value as ViewState['surveyGroup'] } : null),
    sync: (root, view) => { (root.querySelector('select[name="group"]') as HTMLSelectElement).value = view.surveyGroup; },
  },
};
