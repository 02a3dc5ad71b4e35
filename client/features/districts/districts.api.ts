import type { DistrictPropertiesT, DistrictStatsT, DistrictStatT } from '../../../shared/districts.schema.ts';
import { getJson } from '../../api/http.ts';

/** District properties as the server sends them (shared/districts.schema.ts). */
export type DistrictProperties = DistrictPropertiesT;
export interface DistrictFeature {
  type: 'Feature';
  id: number;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] };
  properties: DistrictProperties;
}
export interface DistrictCollection { type: 'FeatureCollection'; features: DistrictFeature[] }

/** One district's published statistics, including why a count is hidden (`suppression`). */
export type DistrictStat = DistrictStatT;
export type DistrictStats = DistrictStatsT;

export interface StatsQuery { municipality: string; from: string; to: string; category?: string; source?: string; compare: string; district?: number; level?: string }

/** District polygons (WGS84) of a municipality, optionally one kind. */
export function fetchDistricts(municipality: string, kind?: string, signal?: AbortSignal): Promise<DistrictCollection> {
  return getJson('/api/districts', { municipality, kind }, signal);
}

/** Per-district counts, rates and change for the filters. */
export function fetchDistrictStats(params: StatsQuery, signal?: AbortSignal): Promise<DistrictStats> {
  return getJson('/api/stats/districts', { ...params }, signal);
}
