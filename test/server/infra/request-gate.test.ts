import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FairGate } from '../../../server/infra/request-gate.ts';
import { authHeaders } from '../../helpers/auth.ts';
import { createDistrict, createMunicipality } from '../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../helpers/test-app.ts';

describe('FairGate', () => {
  it('admits up to its limit and then strictly in arrival order', async () => {
    const gate = new FairGate(1, 10);
    const order: number[] = [];
    expect(await gate.acquire()).toBe(true);
    const waiters = [1, 2, 3].map((k) => gate.acquire().then(() => order.push(k)));
    expect(gate.queued).toBe(3);
    for (let k = 0; k < 3; k++) {
      gate.release();
      await new Promise((r) => setTimeout(r, 0));
    }
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(gate.active).toBe(1);
    gate.release();
    expect(gate.active).toBe(0);
  });

  it('refuses without waiting once the queue is full', async () => {
    const gate = new FairGate(1, 1);
    await gate.acquire();
    const queued = gate.acquire();
    expect(await gate.acquire()).toBe(false);
    gate.release();
    expect(await queued).toBe(true);
  });
});

describe('heavy request gate in the app (pglite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp('pglite');
    await createMunicipality(t.database.db, '0999');
    await createDistrict(t.database.db, { municipality: '0999', name: 'Väster', population: 1000, x: 0, y: 0, size: 2000 });
  });
  afterAll(async () => t?.close());

  it('runs one heavy request at a time on the embedded database and frees the slot after answers and errors', async () => {
    expect(t.app.heavyGate.limit).toBe(1);
    const police = await authHeaders(t, 'police');
    const url = '/api/stats/hotspots?municipality=0999&from=2025-01-01&to=2025-02-01&cell=500';
    const answers = await Promise.all([1, 2, 3].map((k) => t.app.inject({ method: 'GET', url: `${url}&band=${1000 + k}`, headers: police })));
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(403);
    expect(t.app.heavyGate.active).toBe(0);
    expect(t.app.heavyGate.queued).toBe(0);
  });
});
