import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { forgetRemembered, getJsonOnce, sendJson } from '../../../client/api/http.ts';

/** A fetch that answers from a list of [status, body] per call and records the URLs asked. */
function fakeFetch(answers: [number, unknown][]) {
  const asked: string[] = [];
  const fetch = vi.fn(async (url: string) => {
    asked.push(url);
    const [status, body] = answers.shift() ?? [200, {}];
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  return { fetch, asked };
}

describe('getJsonOnce', () => {
  beforeEach(() => forgetRemembered());
  afterEach(() => vi.unstubAllGlobals());

  it('asks the server once for callers at the same time and later', async () => {
    const { fetch, asked } = fakeFetch([[200, { role: 'analyst' }]]);
    vi.stubGlobal('fetch', fetch);
    const [a, b] = await Promise.all([getJsonOnce('/api/auth/me'), getJsonOnce('/api/auth/me')]);
    const c = await getJsonOnce('/api/auth/me');
    expect([a, b, c]).toEqual([{ role: 'analyst' }, { role: 'analyst' }, { role: 'analyst' }]);
    expect(asked).toEqual(['/api/auth/me']);
  });

  it('keeps answers per path', async () => {
    const { fetch, asked } = fakeFetch([[200, { role: 'public' }], [200, { municipalities: [] }]]);
    vi.stubGlobal('fetch', fetch);
    await getJsonOnce('/api/auth/me');
    await getJsonOnce('/api/municipalities');
    await getJsonOnce('/api/municipalities');
    expect(asked).toEqual(['/api/auth/me', '/api/municipalities']);
  });

  it('does not keep a failure: the next caller asks again', async () => {
    const { fetch, asked } = fakeFetch([[503, { detail: 'busy' }], [200, { role: 'public' }]]);
    vi.stubGlobal('fetch', fetch);
    await expect(getJsonOnce('/api/auth/me')).rejects.toThrow('busy');
    expect(await getJsonOnce('/api/auth/me')).toEqual({ role: 'public' });
    expect(asked).toHaveLength(2);
  });

  it('forgets after any write (a sign-in, sign-out or edit may change who is asking)', async () => {
    const { fetch, asked } = fakeFetch([[200, { role: 'public' }], [200, { role: 'analyst' }], [200, { role: 'analyst' }]]);
    vi.stubGlobal('fetch', fetch);
    expect(await getJsonOnce('/api/auth/me')).toEqual({ role: 'public' });
    await sendJson('POST', '/api/auth/sign-in', { email: 'a@b.se', password: 'x' });
    expect(await getJsonOnce('/api/auth/me')).toEqual({ role: 'analyst' });
    expect(asked).toEqual(['/api/auth/me', '/api/auth/sign-in', '/api/auth/me']);
  });
});
