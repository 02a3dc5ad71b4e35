import { afterEach, describe, expect, it } from 'vitest';
import { getJsonShared } from '../../../client/api/http.ts';

const realFetch = globalThis.fetch;
afterEach(() => { globalThis.fetch = realFetch; });

/** A fetch that answers each request when the test releases it, counting the requests. */
function heldFetch(body: unknown) {
  const releases: (() => void)[] = [];
  const urls: string[] = [];
  globalThis.fetch = ((input: RequestInfo | URL) => {
    urls.push(String(input));
    return new Promise<Response>((resolve) => releases.push(() => resolve(new Response(JSON.stringify(body), { status: 200 }))));
  }) as typeof fetch;
  return { urls, releaseAll: () => releases.splice(0).forEach((r) => r()) };
}

describe('getJsonShared', () => {
  it('sends one request for callers asking for the same path while it is under way', async () => {
    const f = heldFetch({ municipalities: [] });
    const a = getJsonShared('/api/municipalities');
    const b = getJsonShared('/api/municipalities');
    f.releaseAll();
    expect(await a).toEqual({ municipalities: [] });
    expect(await b).toEqual({ municipalities: [] });
    expect(f.urls).toEqual(['/api/municipalities']);
  });

  it('asks the server again once the answer is in', async () => {
    const f = heldFetch({ role: 'public' });
    const first = getJsonShared('/api/auth/me');
    f.releaseAll();
    await first;
    const second = getJsonShared('/api/auth/me');
    f.releaseAll();
    await second;
    expect(f.urls).toEqual(['/api/auth/me', '/api/auth/me']);
  });

  it('keeps different paths apart', async () => {
    const f = heldFetch({});
    const both = Promise.all([getJsonShared('/api/auth/me'), getJsonShared('/api/municipalities')]);
    f.releaseAll();
    await both;
    expect(f.urls).toEqual(['/api/auth/me', '/api/municipalities']);
  });
});
