import { citizenPromisesFeature } from './citizen-promises/citizen-promises.feature.ts';
import { feature, type MapFeature } from './contract.ts';
import { discrepancyFeature } from './discrepancy/discrepancy.feature.ts';
import { districtsFeature } from './districts/districts.feature.ts';
import { emergingFeature, hotspotsFeature } from './hotspots/hotspots.feature.ts';
import { heatmapFeature, pointsFeature } from './incidents/incidents.feature.ts';
import { plansFeature } from './plans/plans.feature.ts';
import { marksFeature } from './survey-marks/survey-marks.feature.ts';
import { surveyFeature } from './surveys/surveys.feature.ts';

/**
 * The map's features in the order of the layer list (those with a control); drawing follows each feature's
 * `order`, then this order. A new feature is one folder under client/features/ and one line here.
 */
export const FEATURES: MapFeature[] = [
  feature(districtsFeature),
  feature(hotspotsFeature),
  feature(emergingFeature),
  feature(heatmapFeature),
  feature(pointsFeature),
  feature(surveyFeature),
  feature(marksFeature),
  feature(discrepancyFeature),
  feature(plansFeature),
  feature(citizenPromisesFeature),
];
