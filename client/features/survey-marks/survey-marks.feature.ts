import { MARK_REASONS, MARK_TIMES } from '../../../shared/constants.ts';
import { t, tx } from '../../i18n.ts';
import { toggleIn } from '../../state/filters.ts';
import { formatNumber } from '../../ui/format.ts';
import type { MapFeature } from '../contract.ts';
import { fetchMarks, type MarkCollection } from './survey-marks.api.ts';
import { markLayers } from './survey-marks.layers.ts';
import { markLegend } from './survey-marks.legend.ts';

/** Unsafe-place marks from the safety survey, filtered by reason and time of day (role-gated). */
export const marksFeature: MapFeature<MarkCollection> = {
  id: 'marks',
  requestKey: ({ query, view }) => JSON.stringify([query.municipality, view.markReasons, view.markTimes]),
  load: ({ query, view }, signal) => fetchMarks({
    municipality: query.municipality, reason: view.markReasons.join(',') || undefined, time_of_day: view.markTimes.join(',') || undefined,
  }, signal),
  layers: (data, ctx, version) => (data ? markLayers(data, ctx.view.markReasons, version) : []),
  legend: (_data, lang) => markLegend(MARK_REASONS, lang),
  note: (data, lang) => `${formatNumber(data.count, lang)} ${lang === 'sv' ? 'markeringar' : 'marks'}`,
  control: {
    label: (lang) => tx(lang, 'layer_marks'),
    options: (lang) => `<div data-part="options"><fieldset class="inline-options"><legend>${t(lang, 'reasons')}</legend>${MARK_REASONS.map((r) => `<label class="check"><input type="checkbox" name="reason" value="${r}" id="reason-${r}"> ${tx(lang, `reason_${r}`)}</label>`).join('')}</fieldset>
        <fieldset class="inline-options"><legend>${t(lang, 'timeOfDay')}</legend>${MARK_TIMES.map((r) => `<label class="check"><input type="checkbox" name="time" value="${r}" id="time-${r}"> ${tx(lang, r)}</label>`).join('')}</fieldset></div>`,
    onInput(input, view) {
      const checked = (input as HTMLInputElement).checked;
      if (input.name === 'reason') return { markReasons: toggleIn(view.markReasons, input.value, checked) };
      if (input.name === 'time') return { markTimes: toggleIn(view.markTimes, input.value, checked) };
      return null;
    },
    sync(root, view) {
      root.querySelectorAll<HTMLInputElement>('input[name="reason"]').forEach((i) => { i.checked = view.markReasons.includes(i.value); });
      root.querySelectorAll<HTMLInputElement>('input[name="time"]').forEach((i) => { i.checked = view.markTimes.includes(i.value); });
    },
  },
};
