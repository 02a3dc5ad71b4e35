import { describe, expect, it } from 'vitest';
import { emergingPattern } from '../../../server/stats/emerging-hotspot.ts';

const ns = (k: number) => Array.from({ length: k }, () => 'ns');
const hot = (k: number) => Array.from({ length: k }, () => 'hot95');

describe('emergingPattern', () => {
  it('is new when only the final slice is hot', () => {
    expect(emergingPattern([...ns(9), 'hot90'], [0.1, -0.2, 0.3, 0, 0.5, -0.1, 0.2, 0.4, 0.1, 2.1])).toBe('new');
  });

  it('is intensifying when hot in ≥ 90 % of slices incl. the final one and z rises', () => {
    // 10 of 10 hot; z strictly increasing → S = 45, Z = 3.94, p < 0.05.
    const z = [2, 2.2, 2.4, 2.6, 2.8, 3, 3.2, 3.4, 3.6, 3.8];
    expect(emergingPattern(hot(10), z)).toBe('intensifying');
  });

  it('is diminishing when hot in ≥ 90 % of slices incl. the final one and z falls', () => {
    const z = [5, 4.8, 4.6, 4.4, 4.2, 4, 3.8, 3.6, 3.4, 3.2];
    expect(emergingPattern(hot(10), z)).toBe('diminishing');
  });

  it('is persistent when hot in ≥ 90 % of slices without a significant trend', () => {
    // 9 of 10 hot (exactly 90 %), z without a monotone trend.
    const classes = [...hot(4), 'ns', ...hot(5)];
    const z = [3, 2.5, 3.2, 2.8, 1.2, 3.1, 2.6, 3.3, 2.7, 3];
    expect(emergingPattern(classes, z)).toBe('persistent');
  });

  it('is sporadic when the final slice is hot, some earlier too, but below 90 %', () => {
    // 8 of 10 hot: one short of the 90 % rule.
    const classes = ['ns', ...hot(3), 'ns', ...hot(5)];
    expect(emergingPattern(classes, [0.5, 3, 3, 3, 0.2, 3, 3, 3, 3, 3])).toBe('sporadic');
  });

  it('is no_pattern when the final slice is not hot and fewer than 90 % are', () => {
    expect(emergingPattern([...hot(3), ...ns(7)], [3, 3, 3, 0, 0, 0, 0, 0, 0, 0])).toBe('no_pattern');
  });

  it('is no_pattern for a lasting hot spot whose final slice is not hot but trends', () => {
    // 9 of 10 hot but the last is not: without a final hot slice a trend has no label here.
    const z = [5, 4.8, 4.6, 4.4, 4.2, 4, 3.8, 3.6, 3.4, 1];
    expect(emergingPattern([...hot(9), 'ns'], z)).toBe('no_pattern');
  });

  it('does not count cold slices as hot', () => {
    expect(emergingPattern(['cold99', 'cold95', 'hot90'], [-3, -2.5, 2])).toBe('new');
    expect(emergingPattern(['cold99', 'cold95', 'cold90'], [-3, -2.5, -2])).toBe('no_pattern');
  });

  it('leaves null z out of the trend instead of reading it as 0', () => {
    // The nine non-null z have S = 18 (Z = 1.77, p = 0.076): no trend, so persistent. Reading
    // the null first slice as 0 would add 9 rising pairs (S = 27, p = 0.020) and call it
    // intensifying although slice 1 only lacked a defined Gi*.
    const rest = [3.0, 3.2, 2.9, 3.4, 3.1, 3.3, 3.6, 3.15, 3.7];
    const classes = ['ns', ...hot(9)];
    expect(emergingPattern(classes, [null, ...rest])).toBe('persistent');
    expect(emergingPattern(classes, [0, ...rest])).toBe('intensifying');
  });

  it('is no_pattern for no slices and rejects mismatched lengths', () => {
    expect(emergingPattern([], [])).toBe('no_pattern');
    expect(() => emergingPattern(['hot90'], [])).toThrow(RangeError);
  });
});
