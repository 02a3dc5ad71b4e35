import { getJson } from '../../api/http.ts';

/** Incident points as flat columns (GET /api/incidents?format=columns). */
export interface IncidentColumns {
  format: 'columns';
  count: number;
  truncated: boolean;
  limit: number;
  categories: string[];
  positions: number[];
  category: number[];
  time: number[];
  snapped: number[];
}

/** Points ready for deck.gl binary attributes: typed arrays, never one JS object per point. */
export interface IncidentPoints {
  length: number;
  positions: Float32Array;
  categoryIndex: Uint8Array;
  categories: string[];
  truncated: boolean;
  snappedCount: number;
}

/** Converts the columnar answer into typed arrays. */
export function toIncidentPoints(c: IncidentColumns): IncidentPoints {
  return {
    length: c.count,
    positions: Float32Array.from(c.positions),
    categoryIndex: Uint8Array.from(c.category),
    categories: c.categories,
    truncated: c.truncated,
    snappedCount: c.snapped.reduce((s, v) => s + v, 0),
  };
}

/** Role-gated incident points in a bbox for the filters (403 when the role may see none). */
export async function fetchIncidentPoints(
  params: { municipality: string; from: string; to: string; category?: string; source?: string; bbox: [number, number, number, number] },
  signal?: AbortSignal,
): Promise<IncidentPoints> {
  const { bbox, ...rest } = params;
  const body = await getJson<IncidentColumns>('/api/incidents', { ...rest, bbox: bbox.map((v) => v.toFixed(5)).join(','), format: 'columns' }, signal);
  return toIncidentPoints(body);
}
