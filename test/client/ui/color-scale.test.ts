import { describe, expect, it } from 'vitest';
import {
  CHANGE_BREAKS, DIVERGING_7, HOTSPOT_COLORS, NO_DATA, OKABE_ITO, SEQUENTIAL_5, changeColor, classOf, colorFor, contrastRatio, quantileBreaks, shareColor, textColorOn,
} from '../../../client/ui/color-scale.ts';

describe('colour scales', () => {
  it('makes strictly increasing quantile breaks', () => {
    const b = quantileBreaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(b).toEqual([3, 5, 7, 9]);
    expect(quantileBreaks([5, 5, 5])).toEqual([]);
    expect(quantileBreaks([null, 1])).toEqual([]);
  });

  it('classes values at their breaks and colours missing values grey', () => {
    expect(classOf(2.9, [3, 5])).toBe(0);
    expect(classOf(3, [3, 5])).toBe(1);
    expect(colorFor(null, [1])).toEqual(NO_DATA);
    expect(colorFor(100, [1, 2, 3, 4])).toEqual(SEQUENTIAL_5[4]);
  });

  it('colours change on a diverging scale: decreases blue, increases red, near zero neutral', () => {
    expect(changeColor(-80)).toEqual(DIVERGING_7[0]);
    expect(changeColor(0)).toEqual(DIVERGING_7[3]);
    expect(changeColor(120)).toEqual(DIVERGING_7[6]);
    expect(changeColor(null)).toEqual(NO_DATA);
    expect(CHANGE_BREAKS).toHaveLength(DIVERGING_7.length - 1);
  });

  it('colours survey shares on fixed 10-point classes', () => {
    expect(shareColor(0.05)).toEqual(SEQUENTIAL_5[0]);
    expect(shareColor(0.45)).toEqual(SEQUENTIAL_5[4]);
  });

  it('keeps hot and cold spots on opposite ends of one ramp', () => {
    expect(HOTSPOT_COLORS.hot99).toEqual(DIVERGING_7[6]);
    expect(HOTSPOT_COLORS.cold99).toEqual(DIVERGING_7[0]);
  });

  it('picks black or white text with WCAG AA contrast on every palette colour', () => {
    for (const c of [...SEQUENTIAL_5, ...DIVERGING_7, ...OKABE_ITO, NO_DATA]) {
      expect(contrastRatio(c, textColorOn(c))).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('computes the textbook contrast of black on white', () => {
    expect(contrastRatio([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
  });
});
