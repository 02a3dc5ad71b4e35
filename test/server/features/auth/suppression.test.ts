import { describe, expect, it } from 'vitest';
import { protectCounts, roundCount } from '../../../../shared/suppression.ts';

const cell = (key: string, count: number, groups: (string | number)[] = ['all']) => ({ key, count, groups });

describe('small-count protection', () => {
  it('publishes exact counts when the viewer has no suppression', () => {
    const r = protectCounts([cell('a', 3), cell('b', 12)], false);
    expect(r.get('a')).toEqual({ count: 3, suppression: null });
    expect(r.get('b')).toEqual({ count: 12, suppression: null });
  });

  it('hides counts of 1–4 and keeps zero as zero', () => {
    const r = protectCounts([cell('a', 4), cell('b', 0), cell('c', 1), cell('d', 20)], true);
    expect(r.get('a')).toEqual({ count: null, suppression: 'small' });
    expect(r.get('c')).toEqual({ count: null, suppression: 'small' });
    expect(r.get('b')!.count).toBe(0);
  });

  it('suppresses the smallest other cell when only one cell in a group is hidden', () => {
    const r = protectCounts([cell('a', 3), cell('b', 40), cell('c', 9), cell('d', 25)], true);
    expect(r.get('a')!.suppression).toBe('small');
    expect(r.get('c')!.suppression).toBe('complementary');
    expect(r.get('b')!.count).toBe(40);
  });

  it('needs no complementary suppression when two cells are already hidden', () => {
    const r = protectCounts([cell('a', 3), cell('b', 2), cell('c', 9)], true);
    expect(r.get('c')!.suppression).toBeNull();
  });

  it('protects each sibling group under its parent as well as the whole answer', () => {
    // Parent 1: x (2) and y (30), z (7); parent 2: u (50), v (60). One hidden cell per parent group
    // and in the whole: y or z must go in group 1.
    const r = protectCounts([
      cell('x', 2, [1, 'all']), cell('y', 30, [1, 'all']), cell('z', 7, [1, 'all']),
      cell('u', 50, [2, 'all']), cell('v', 60, [2, 'all']),
    ], true);
    expect(r.get('z')!.suppression).toBe('complementary');
    expect(r.get('u')!.suppression).toBeNull();
  });

  it('never leaves exactly one hidden cell in any group (property over random tables)', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let t = 0; t < 300; t++) {
      const cells = Array.from({ length: 2 + Math.floor(rnd() * 8) }, (_, i) => cell(`k${i}`, Math.floor(rnd() * 15), [Math.floor(rnd() * 3), 'all']));
      const r = protectCounts(cells, true);
      for (const g of [0, 1, 2, 'all']) {
        const members = cells.filter((c) => c.groups.includes(g));
        const hidden = members.filter((c) => r.get(c.key)!.count === null);
        if (members.length > 1) expect(hidden.length).not.toBe(1);
      }
    }
  });

  it('rounds published counts to the nearest multiple of 5', () => {
    expect([5, 7, 8, 12, 13, 100].map(roundCount)).toEqual([5, 5, 10, 10, 15, 100]);
  });

  it('makes a suppressed count unrecoverable by narrowing a filter by one category', () => {
    // District with 12 open incidents, 2 of them klotter: "all" vs "all but klotter" give 10 and 10.
    const all = protectCounts([cell('d', 12), cell('e', 30)], true).get('d')!.count!;
    const without = protectCounts([cell('d', 10), cell('e', 30)], true).get('d')!.count!;
    expect(all - without).toBe(0);
  });
});
