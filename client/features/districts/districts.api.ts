import { getJson } from '../../api/http.ts';

export interface DistrictProperties {
  id: number;
  name: string;
  kind: string;
  parent_id: number | null;
  population: number | null;
}
export interface DistrictFeature {
  type: 'Feature';
  id: number;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] };
  properties: DistrictProperties;
}
export interface DistrictCollection { type: 'FeatureCollection'; features: DistrictFeature[] }

export interface DistrictStat {
  id: number; name: string; kind: string; parent_id: number | null; population: number | null;
  count: number | null; rate_per_1000: number | null; previous_count: number | null; change_pct: number | null;
  change_significant: boolean | null; p_value: number | null; suppressed: boolean;
}
export interface DistrictStats {
  municipality: string;
  period: { from: string; to: string };
  comparison: { compare: string; from: string; to: string };
  level: string | null;
  categories?: string[];
  districts: DistrictStat[];
  unlocated: number | null;
  unlocated_suppressed: boolean;
}

export interface StatsQuery { municipality: string; from: string; to: string; category?: string; source?: string; compare: string; district?: number; level?: string }

/** District polygons (WGS84) of a municipality, optionally one kind. */
export function fetchDistricts(municipality: string, kind?: string, signal?: AbortSignal): Promise<DistrictCollection> {
  return getJson('/api/districts', { municipality, kind }, signal);
}

/** Per-district counts, rates and change for the filters. */
export function fetchDistrictStats(params: StatsQuery, signal?: AbortSignal): Promise<DistrictStats> {
  return getJson('/api/stats/districts', { ...params }, signal);
}
