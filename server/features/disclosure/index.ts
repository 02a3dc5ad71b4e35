export * from './disclosure.ts';
export { incidentInAreaSql, measureDrawnAreaKm2 } from './disclosure.queries.ts';
export { setStatsRateLimit, statsRateLimit, STATS_REQUESTS_PER_MINUTE } from './stats-rate-limit.ts';
