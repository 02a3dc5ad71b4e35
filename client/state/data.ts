import type { Availability } from '../api/http.ts';

/**
 * The data slice: what each feature has loaded, whether its request is under way, and a version that goes
 * up with every answer (deck.gl's updateTriggers key off it). Changed only by the pure functions below, so
 * the whole picture can be inspected, logged or restored; in-flight AbortControllers stay outside it.
 */
export interface DataEntry<T = unknown> {
  status: Availability;
  data: T | null;
  /** Bumps on every answer and on every drop, so layers recolour even when the new data looks alike. */
  version: number;
  /** The request key (see MapFeature.requestKey) the loaded data — or the last failure — belongs to. */
  key: string | null;
  /** The key of the request under way, if any. */
  loadingKey: string | null;
  /** Number of the latest request; an answer to an older one is stale and ignored. */
  request: number;
  error?: string;
}

export interface DataState { entries: Record<string, DataEntry> }

export const EMPTY_DATA: DataState = { entries: {} };

const NONE: DataEntry = { status: 'ready', data: null, version: 0, key: null, loadingKey: null, request: 0 };

/** The entry of a data key (an empty ready one when never loaded). */
export function entryOf<T>(state: DataState, id: string): DataEntry<T> {
  return (state.entries[id] ?? NONE) as DataEntry<T>;
}

/** The loaded data of a key, or null. */
export function dataOf<T>(state: DataState, id: string): T | null {
  return entryOf<T>(state, id).data;
}

/** A version string for updateTriggers. */
export function versionOf(state: DataState, id: string): string {
  return `${id}:${entryOf(state, id).version}`;
}

function put(state: DataState, id: string, entry: DataEntry): DataState {
  return { entries: { ...state.entries, [id]: entry } };
}

/** A request for `key` starts; the old data stays visible until the answer replaces it. Returns its number. */
export function requestStarted(state: DataState, id: string, key: string): { state: DataState; request: number } {
  const e = entryOf(state, id);
  const request = e.request + 1;
  return { state: put(state, id, { ...e, status: 'loading', loadingKey: key, request, error: undefined }), request };
}

/** The answer of request `request` arrives; ignored when a newer request has started since. */
export function requestSucceeded<T>(state: DataState, id: string, request: number, data: T): DataState {
  const e = entryOf(state, id);
  if (e.request !== request) return state;
  return put(state, id, { ...e, status: 'ready', data, key: e.loadingKey, loadingKey: null, version: e.version + 1, error: undefined });
}

/**
 * Request `request` failed. Old data under new filters would mislead, so it is dropped (and the version bumped
 * so the map recolours); a stale failure is ignored.
 */
export function requestFailed(state: DataState, id: string, request: number, status: Availability, message: string): DataState {
  const e = entryOf(state, id);
  if (e.request !== request) return state;
  return put(state, id, { ...e, status, data: null, key: e.loadingKey, loadingKey: null, version: e.version + 1, error: message });
}

/** A request was aborted because it was superseded or no longer wanted: back to the last answer's state. */
export function requestAborted(state: DataState, id: string, request: number): DataState {
  const e = entryOf(state, id);
  if (e.request !== request || e.status !== 'loading') return state;
  return put(state, id, { ...e, status: e.error ? 'error' : 'ready', loadingKey: null });
}

/** Forgets a key's data (e.g. a sub-layer switched off). */
export function dataCleared(state: DataState, id: string): DataState {
  const e = entryOf(state, id);
  if (e.data === null && e.key === null && e.status !== 'loading') return state;
  return put(state, id, { ...e, status: 'ready', data: null, key: null, loadingKey: null, version: e.version + 1, request: e.request + 1, error: undefined });
}

/** Whether any request is under way (drives body[data-pending] for tests and benchmarks). */
export function pendingCount(state: DataState): number {
  return Object.values(state.entries).filter((e) => e.status === 'loading').length;
}
