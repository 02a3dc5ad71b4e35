import { describe, expect, it } from 'vitest';
import {
  dataCleared, dataOf, EMPTY_DATA, entryOf, pendingCount, requestAborted, requestFailed, requestStarted, requestSucceeded, versionOf,
} from '../../../client/state/data.ts';

describe('data slice updaters', () => {
  it('a request moves an entry to loading and its answer to ready, bumping the version', () => {
    const a = requestStarted(EMPTY_DATA, 'hotspots', 'k1');
    expect(entryOf(a.state, 'hotspots')).toMatchObject({ status: 'loading', loadingKey: 'k1', key: null, data: null });
    expect(pendingCount(a.state)).toBe(1);
    const b = requestSucceeded(a.state, 'hotspots', a.request, { cells: 3 });
    expect(entryOf(b, 'hotspots')).toMatchObject({ status: 'ready', key: 'k1', loadingKey: null, data: { cells: 3 }, version: 1 });
    expect(versionOf(b, 'hotspots')).toBe('hotspots:1');
    expect(pendingCount(b)).toBe(0);
  });

  it('never mutates the state it is given', () => {
    const a = requestStarted(EMPTY_DATA, 'x', 'k');
    const frozen = JSON.stringify(a.state);
    requestSucceeded(a.state, 'x', a.request, 1);
    requestFailed(a.state, 'x', a.request, 'error', 'boom');
    expect(JSON.stringify(a.state)).toBe(frozen);
    expect(EMPTY_DATA).toEqual({ entries: {} });
  });

  it('ignores the answer of a superseded request', () => {
    const a = requestStarted(EMPTY_DATA, 'x', 'old');
    const b = requestStarted(a.state, 'x', 'new');
    const late = requestSucceeded(b.state, 'x', a.request, 'stale');
    expect(late).toBe(b.state);
    const c = requestSucceeded(b.state, 'x', b.request, 'fresh');
    expect(dataOf(c, 'x')).toBe('fresh');
    expect(entryOf(c, 'x').key).toBe('new');
  });

  it('keeps the old data visible while a new request runs', () => {
    const a = requestStarted(EMPTY_DATA, 'x', 'k1');
    const b = requestSucceeded(a.state, 'x', a.request, 'one');
    const c = requestStarted(b, 'x', 'k2');
    expect(dataOf(c.state, 'x')).toBe('one');
    expect(entryOf(c.state, 'x').key).toBe('k1');
  });

  it('drops the data on failure (old numbers under new filters would mislead) and remembers the failed key', () => {
    const a = requestStarted(EMPTY_DATA, 'x', 'k1');
    const b = requestSucceeded(a.state, 'x', a.request, 'one');
    const c = requestStarted(b, 'x', 'k2');
    const d = requestFailed(c.state, 'x', c.request, 'forbidden', 'nope');
    expect(entryOf(d, 'x')).toMatchObject({ status: 'forbidden', data: null, key: 'k2', error: 'nope', version: 2 });
  });

  it('an aborted request goes back to what was there', () => {
    const a = requestStarted(EMPTY_DATA, 'x', 'k1');
    const b = requestSucceeded(a.state, 'x', a.request, 'one');
    const c = requestStarted(b, 'x', 'k2');
    const d = requestAborted(c.state, 'x', c.request);
    expect(entryOf(d, 'x')).toMatchObject({ status: 'ready', data: 'one', key: 'k1', loadingKey: null });
  });

  it('clearing forgets the data and makes any answer in flight stale', () => {
    const a = requestStarted(EMPTY_DATA, 'x', 'k1');
    const b = dataCleared(a.state, 'x');
    expect(entryOf(b, 'x')).toMatchObject({ status: 'ready', data: null, key: null });
    expect(requestSucceeded(b, 'x', a.request, 'late')).toBe(b);
  });

  it('survives a structured clone (serialisable)', () => {
    const a = requestStarted(EMPTY_DATA, 'x', 'k1');
    const b = requestSucceeded(a.state, 'x', a.request, { list: [1, 2], typed: new Float32Array([1, 2]) });
    expect(structuredClone(b)).toEqual(b);
  });
});
