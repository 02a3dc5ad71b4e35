/**
 * The vocabulary shared by server and client, written once (SPEC §4, §6). Import from here rather than
 * repeating a list: the client's filters, legends and layer options must accept exactly what the API does.
 */
export { CATEGORIES, CATEGORY_BY_CODE, DISTRICT_KINDS, SOURCES, type DistrictKind, type Source } from './categories.ts';
export { ROLES, type Role } from './roles.ts';

/** Reasons a person can give for marking a place as unsafe (SPEC §4.6), in legend order. */
export const MARK_REASONS = ['belysning', 'vegetation', 'folksamlingar', 'narkotika', 'trafik', 'nedskrapning_klotter', 'ode_plats', 'ovrigt'] as const;
export type MarkReason = (typeof MARK_REASONS)[number];

/** When a marked place feels unsafe. */
export const MARK_TIMES = ['dag', 'kvall', 'natt'] as const;
export type MarkTime = (typeof MARK_TIMES)[number];

/** Getis–Ord Gi* classes of a hotspot cell, hot to cold (SPEC §5). */
export const GI_CLASSES = ['hot99', 'hot95', 'hot90', 'ns', 'cold90', 'cold95', 'cold99'] as const;
export type GiClassName = (typeof GI_CLASSES)[number];

/** Emerging-hotspot patterns of a cell over the time slices. */
export const EMERGING_PATTERNS = ['new', 'intensifying', 'persistent', 'diminishing', 'sporadic', 'no_pattern'] as const;

/**
 * Säkerhet–trygghet classes of a district or cell (GET /api/stats/discrepancy), in legend order: many incidents and
 * felt unsafe, incidents but felt safe, felt unsafe with few incidents, neither, too little data to classify.
 */
export const DISCREPANCY_CLASSES = ['both_high', 'incidents_felt_safe', 'unsafe_few_incidents', 'both_low', 'insufficient_data'] as const;
export type DiscrepancyClassName = (typeof DISCREPANCY_CLASSES)[number];
