import { describe, expect, it } from 'vitest';
import { MAP_CLASS_COLOURS, MAP_HIDDEN_COLOUR, meetingMapSvg, rateClasses, rateColour } from '../../../../server/features/meetings/meeting-map.ts';

describe('the minutes\' map', () => {
  it('splits the published rates into five equal intervals and colours by them, hidden ones grey', () => {
    const limits = rateClasses([10, 60, 35]);
    expect(limits).toEqual([10, 20, 30, 40, 50]);
    expect(rateColour(10, limits)).toBe(MAP_CLASS_COLOURS[0]);
    expect(rateColour(35, limits)).toBe(MAP_CLASS_COLOURS[2]);
    expect(rateColour(60, limits)).toBe(MAP_CLASS_COLOURS[4]);
    expect(rateColour(null, limits)).toBe(MAP_HIDDEN_COLOUR);
    expect(rateClasses([7, 7])).toEqual([7]);
    expect(rateColour(7, [7])).toBe(MAP_CLASS_COLOURS[2]);
  });

  it('gives the same bytes for the same outlines and numbers, outlines the agenda item and escapes names', () => {
    const map = { view_box: '0 -100 100 100', districts: [{ id: 1, name: 'Norr & <Söder>', path: 'M 0 0 L 10 0 L 10 -10 Z' }, { id: 2, name: 'Öster', path: 'M 20 0 L 30 0 L 30 -10 Z' }] };
    const rates = new Map<number, number | null>([[1, 5], [2, null]]);
    const svg = meetingMapSvg(map, rates, 1, 'sv');
    expect(meetingMapSvg(map, rates, 1, 'sv')).toBe(svg);
    expect(svg).toContain('Karta över Norr &amp; &lt;Söder&gt;');
    expect(svg).toMatch(/fill="#fb6a4a" stroke="#222" stroke-width="4"[^>]*data-district="1"/);
    expect(svg).toMatch(new RegExp(`fill="${MAP_HIDDEN_COLOUR}" stroke="#222" stroke-width="1"[^>]*data-district="2"`));
    expect(meetingMapSvg(map, null, 2, 'en')).toContain('The meeting is open');
  });
});
