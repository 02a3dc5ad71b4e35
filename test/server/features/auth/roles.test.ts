import { describe, expect, it } from 'vitest';
import {
  aggregateAccess, hotspotAccess, isSuppressedCount, markAccess, mayAdminister, mayEdit, mayImport, mayReadDescriptions, pointAccess, ROLES, type Role,
} from '../../../../shared/roles.ts';

// SPEC §6, row by row, as the literal table: a change to shared/roles.ts that drifts from it fails here.
const table = <T>(row: Record<Role, T>) => row;

describe('SPEC §6 permission table', () => {
  it('district aggregates, open categories', () => {
    const expected = table({ public: true, council: true, planner: true, analyst: false, police: false, admin: false });
    for (const r of ROLES) expect(aggregateAccess(r, 'open'), r).toEqual({ suppressed: expected[r] });
  });

  it('aggregates, restricted and protected', () => {
    const restricted = table({ public: null, council: { suppressed: true }, planner: { suppressed: true }, analyst: { suppressed: false }, police: { suppressed: false }, admin: null });
    const prot = table({ public: null, council: null, planner: null, analyst: { suppressed: true }, police: { suppressed: false }, admin: null });
    for (const r of ROLES) {
      expect(aggregateAccess(r, 'restricted'), r).toEqual(restricted[r]);
      expect(aggregateAccess(r, 'protected'), r).toEqual(prot[r]);
    }
  });

  it('hotspot cells', () => {
    const expected = table({ public: null, council: { suppressed: true }, planner: { suppressed: false }, analyst: { suppressed: false }, police: { suppressed: false }, admin: null });
    for (const r of ROLES) expect(hotspotAccess(r), r).toEqual(expected[r]);
  });

  it('incident points by sensitivity, and descriptions', () => {
    const open = table({ public: null, council: null, planner: 'snapped_100m', analyst: 'exact', police: 'exact', admin: null });
    const restricted = table({ public: null, council: null, planner: null, analyst: 'snapped_100m', police: 'exact', admin: null });
    const prot = table({ public: null, council: null, planner: null, analyst: null, police: 'exact', admin: null });
    for (const r of ROLES) {
      expect(pointAccess(r, 'open'), r).toBe(open[r]);
      expect(pointAccess(r, 'restricted'), r).toBe(restricted[r]);
      expect(pointAccess(r, 'protected'), r).toBe(prot[r]);
      expect(mayReadDescriptions(r), r).toBe(r === 'police');
    }
  });

  it('survey marks and their comments', () => {
    const expected = table({ public: null, council: { comments: 'approved' }, planner: { comments: 'approved' }, analyst: { comments: 'all' }, police: { comments: 'approved' }, admin: null });
    for (const r of ROLES) expect(markAccess(r), r).toEqual(expected[r]);
  });

  it('imports by source', () => {
    for (const r of ROLES) {
      expect(mayImport(r, 'police'), r).toBe(r === 'police' || r === 'admin');
      expect(mayImport(r, 'municipality'), r).toBe(r === 'analyst' || r === 'admin');
    }
  });

  it('editing priorities, promises and site checks', () => {
    for (const r of ROLES) {
      expect(mayEdit(r, 'priorities'), r).toBe(['council', 'analyst', 'police'].includes(r));
      expect(mayEdit(r, 'citizen_promises'), r).toBe(['analyst', 'police'].includes(r));
      expect(mayEdit(r, 'site_checks'), r).toBe(['planner', 'analyst', 'police'].includes(r));
    }
  });

  it('users, tokens and the audit log: admin only', () => {
    for (const r of ROLES) expect(mayAdminister(r), r).toBe(r === 'admin');
  });

  it('suppresses exactly the counts 1–4', () => {
    expect([0, 1, 4, 5].map((n) => isSuppressedCount(n, true))).toEqual([false, true, true, false]);
    expect(isSuppressedCount(3, false)).toBe(false);
  });
});
