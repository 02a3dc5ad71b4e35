import { getJson } from '../../api/http.ts';

export interface HotspotProperties { count: number | string | null; z: number | null; p: number | null; p_fdr: number | null; class: string; emerging?: string | null; pattern?: string | null }
export interface HotspotFeature { type: 'Feature'; geometry: { type: 'Polygon'; coordinates: number[][][] }; properties: HotspotProperties }
export interface HotspotCollection { type: 'FeatureCollection'; features: HotspotFeature[] }

/** Gi* hexagons for the filters (GET /api/stats/hotspots). */
export function fetchHotspots(params: Record<string, string | undefined>, signal?: AbortSignal): Promise<HotspotCollection> {
  return getJson('/api/stats/hotspots', params, signal);
}

/** Emerging-hotspot patterns, when the route exists (its shape is read leniently: a GeoJSON of cells with a pattern). */
export function fetchEmerging(params: Record<string, string | undefined>, signal?: AbortSignal): Promise<HotspotCollection> {
  return getJson('/api/stats/hotspots/emerging', params, signal);
}
