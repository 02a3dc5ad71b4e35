import type { DemoMark, DemoResponse } from './demo-data.ts';
import type { Position } from './demo-geometry.ts';
import { allocate, type DemoRandom } from './demo-random.ts';
import { PROBLEM_ITEMS, type HotspotKey, type ProblemItem, type Town } from './demo-town.ts';

type Gender = DemoResponse['gender'];
type AgeGroup = DemoResponse['ageGroup'];
type Reason = DemoMark['reasons'][number];

const SURVEY_AGE_GROUPS: readonly AgeGroup[] = ['16-19', '20-34', '35-49', '50-64', '65-79', '80+'];
const GENDERS: readonly Gender[] = ['kvinna', 'man', 'annat', 'uppgift_saknas'];
const GENDER_RESPONSE_SHARE = [0.53, 0.44, 0.01, 0.02];
/** Older people answer postal and web surveys more willingly than the young. */
const AGE_RESPONSE_PROPENSITY = [0.6, 0.65, 0.9, 1.15, 1.45, 0.9];

/** Latent unsafety shifts (logit scale): women and the old feel less safe out at night. */
const GENDER_EFFECT: Record<Gender, number> = { kvinna: 0.65, man: -0.35, annat: 0.5, uppgift_saknas: 0 };
const AGE_EFFECT: Record<AgeGroup, number> = { '16-19': 0.1, '20-34': -0.05, '35-49': -0.1, '50-64': 0.05, '65-79': 0.35, '80+': 0.7 };
/** Probability of answering 5, "går aldrig ut", by age group. */
const NEVER_OUT: Record<AgeGroup, number> = { '16-19': 0.004, '20-34': 0.005, '35-49': 0.008, '50-64': 0.015, '65-79': 0.05, '80+': 0.16 };
const PROBLEM_BASE: Record<ProblemItem, number> = {
  nedskrapning: 0.6, klotter: 0, narkotika: -0.2, brak_berusade: -0.4, buskorning: 0.3, dalig_belysning: 0.1, ungdomsgang: -0.4,
};

function logistic(random: DemoRandom): number {
  const u = Math.min(Math.max(random.next(), 1e-9), 1 - 1e-9);
  return Math.log(u / (1 - u));
}

/** An ordinal answer 1…(cuts.length + 1) from a latent score. */
function ordinal(latent: number, cuts: readonly number[]): number {
  let answer = 1;
  for (const cut of cuts) if (latent > cut) answer++;
  return answer;
}

/**
 * Rakes weights within each stadsdel to its population margins by age group and by gender
 * (kvinna/man), trimming to [0.5, 2.5] as a survey firm would; the result is rounded to 3 decimals.
 */
function rake(town: Town, rows: { index: number; gender: Gender; age: number }[]): number[] {
  const weights = rows.map(() => 1);
  town.stadsdelar.forEach(({ district }, index) => {
    const members = rows.map((r, i) => ({ ...r, i })).filter((r) => r.index === index);
    if (members.length === 0) return;
    const adults = SURVEY_AGE_GROUPS.map((g) => district.populationByAge[g]);
    const adultTotal = adults.reduce((a, b) => a + b, 0);
    const womenShare = district.populationByGender.kvinna / district.population;
    for (let iteration = 0; iteration < 8; iteration++) {
      const total = members.reduce((s, m) => s + weights[m.i], 0);
      for (let a = 0; a < SURVEY_AGE_GROUPS.length; a++) {
        const group = members.filter((m) => m.age === a);
        const have = group.reduce((s, m) => s + weights[m.i], 0);
        if (have > 0) for (const m of group) weights[m.i] *= (total * adults[a]) / adultTotal / have;
      }
      const binary = members.filter((m) => m.gender === 'kvinna' || m.gender === 'man');
      const binaryTotal = binary.reduce((s, m) => s + weights[m.i], 0);
      for (const [gender, share] of [['kvinna', womenShare], ['man', 1 - womenShare]] as const) {
        const group = binary.filter((m) => m.gender === gender);
        const have = group.reduce((s, m) => s + weights[m.i], 0);
        if (have > 0) for (const m of group) weights[m.i] *= (binaryTotal * share) / have;
      }
      for (const m of members) weights[m.i] = Math.min(2.5, Math.max(0.5, weights[m.i]));
    }
  });
  return weights.map((w) => Math.round(w * 1000) / 1000);
}

/**
 * Generates a trygghetsmätning: `count` respondents spread over the stadsdelar in proportion
 * to their population aged 16+, answering as residents of that stadsdel would (SPEC §4.3).
 */
export function generateResponses(town: Town, random: DemoRandom, count: number, refPrefix: string): DemoResponse[] {
  const perStadsdel = allocate(
    count,
    town.stadsdelar.map(({ district }) => district.population - district.populationByAge['0-15']),
  );
  const rows: { index: number; gender: Gender; age: number }[] = [];
  const answers: Omit<DemoResponse, 'weight'>[] = [];
  let serial = 0;
  town.stadsdelar.forEach(({ spec, district }, index) => {
    const ageWeights = SURVEY_AGE_GROUPS.map((g, a) => district.populationByAge[g] * AGE_RESPONSE_PROPENSITY[a]);
    for (let k = 0; k < perStadsdel[index]; k++) {
      const gender = GENDERS[random.weightedIndex(GENDER_RESPONSE_SHARE)];
      const age = random.weightedIndex(ageWeights);
      const ageGroup = SURVEY_AGE_GROUPS[age];
      const personal = GENDER_EFFECT[gender] + AGE_EFFECT[ageGroup] + 0.8 * random.normal();
      const latent = spec.unsafety + personal + logistic(random);

      const neverOut = random.chance(NEVER_OUT[ageGroup] * (gender === 'kvinna' ? 1.4 : 1) * (latent > 1.5 ? 1.3 : 1));
      const otrygg = neverOut ? 5 : ordinal(latent, [-0.1, 1.55, 2.75]);
      const avstar = neverOut || latent + 0.8 * random.normal() > 1.9;
      const worry = ordinal(0.7 * (spec.unsafety + personal) + logistic(random), [-0.8, 0.8, 2.2]);
      const problems = Object.fromEntries(
        PROBLEM_ITEMS.map((item) => {
          const level = PROBLEM_BASE[item] + (spec.problems[item] ?? -0.3) + 0.35 * personal + logistic(random);
          // Problem items are skipped a little more often than the headline question.
          return [item, random.chance(0.04) ? null : (ordinal(level, [0, 1.4, 2.8]) as 1 | 2 | 3 | 4)];
        }),
      ) as DemoResponse['problems'];

      serial++;
      rows.push({ index, gender, age });
      answers.push({
        responseRef: `${refPrefix}-${String(serial).padStart(5, '0')}`,
        districtKey: district.key,
        gender,
        ageGroup,
        otryggKvall: random.chance(0.025) ? null : (otrygg as 1 | 2 | 3 | 4 | 5),
        avstarAktivitet: random.chance(0.03) ? null : avstar,
        oroBrott: random.chance(0.03) ? null : (worry as 1 | 2 | 3 | 4),
        problems,
      });
    }
  });
  const weights = rake(town, rows);
  return answers.map(({ responseRef, districtKey, gender, ageGroup, ...rest }, i) => ({ responseRef, districtKey, gender, ageGroup, weight: weights[i], ...rest }));
}

interface MarkCluster {
  share: number;
  /** A hotspot, or anywhere in the town. */
  at: HotspotKey | null;
  sigma: number;
  reasons: readonly (readonly [Reason, number])[];
  times: readonly [number, number, number];
  comments: readonly string[];
}

/** Where residents mark unsafe places, and why: the reasons match the place. */
const MARK_CLUSTERS: readonly MarkCluster[] = [
  {
    share: 0.25, at: 'station', sigma: 90, times: [0.15, 0.55, 0.3],
    reasons: [['folksamlingar', 0.8], ['narkotika', 0.55], ['nedskrapning_klotter', 0.2], ['trafik', 0.05]],
    comments: ['Grupper som hänger vid entrén på kvällarna', 'Narkotikaförsäljning vid cykelparkeringen', 'Otrevligt att vänta på sista bussen', 'Mycket folk och bråk på helgerna'],
  },
  {
    share: 0.22, at: 'park', sigma: 110, times: [0.05, 0.6, 0.35],
    reasons: [['belysning', 0.85], ['vegetation', 0.7], ['ode_plats', 0.3]],
    comments: ['Mörkt och buskigt längs gångvägen', 'Lamporna har varit trasiga länge', 'Ser inte om någon står bakom buskarna', 'Går omvägar för att slippa parken'],
  },
  {
    share: 0.15, at: 'gangtunnel', sigma: 50, times: [0.1, 0.5, 0.4],
    reasons: [['belysning', 0.7], ['ode_plats', 0.6], ['nedskrapning_klotter', 0.5]],
    comments: ['Ser inte vem som kommer i tunneln', 'Klotter och krossat glas', 'Ingen annan människa i närheten på kvällen'],
  },
  {
    share: 0.18, at: 'krogstraket', sigma: 140, times: [0.03, 0.27, 0.7],
    reasons: [['folksamlingar', 0.9], ['trafik', 0.1], ['nedskrapning_klotter', 0.15]],
    comments: ['Stökigt när krogarna stänger', 'Berusade personer på helgnätterna', 'Bråk vid taxikön'],
  },
  {
    share: 0.2, at: null, sigma: 0, times: [0.25, 0.5, 0.25],
    reasons: [['belysning', 0.35], ['vegetation', 0.2], ['trafik', 0.3], ['ode_plats', 0.2], ['nedskrapning_klotter', 0.2], ['ovrigt', 0.15]],
    comments: ['Dålig belysning vid busshållplatsen', 'Bilar kör för fort här', 'Öde på kvällarna', 'Skymd sikt vid övergångsstället'],
  },
];

const TIMES_OF_DAY: readonly DemoMark['timeOfDay'][] = ['dag', 'kvall', 'natt'];

/**
 * Generates `count` unsafe-place marks clustered at the station, the park, the underpass and the
 * nightlife street; about half are linked to a respondent, mostly one living in the stadsdel
 * the mark lies in and preferably one who said they feel unsafe.
 */
export function generateMarks(town: Town, random: DemoRandom, count: number, responses: readonly DemoResponse[], refPrefix: string): DemoMark[] {
  const everyone = { unsafe: [] as DemoResponse[], all: [] as DemoResponse[] };
  const byStadsdel = new Map<string, { unsafe: DemoResponse[]; all: DemoResponse[] }>();
  for (const r of responses) {
    let entry = byStadsdel.get(r.districtKey);
    if (!entry) byStadsdel.set(r.districtKey, (entry = { unsafe: [], all: [] }));
    for (const pool of [entry, everyone]) {
      pool.all.push(r);
      if (r.otryggKvall !== null && r.otryggKvall >= 3) pool.unsafe.push(r);
    }
  }
  const perCluster = allocate(count, MARK_CLUSTERS.map((c) => c.share));
  const marks: DemoMark[] = [];
  MARK_CLUSTERS.forEach((cluster, c) => {
    for (let k = 0; k < perCluster[c]; k++) {
      let position: Position | null = null;
      let index = -1;
      const spot = cluster.at ? town.hotspots.get(cluster.at) : undefined;
      if (spot) {
        for (let attempt = 0; attempt < 50 && index < 0; attempt++) {
          position = [Math.round(spot.position[0] + random.normal() * cluster.sigma), Math.round(spot.position[1] + random.normal() * cluster.sigma)];
          index = town.locateClearly(position);
        }
        if (index < 0) {
          position = spot.position;
          index = town.locateClearly(spot.position);
        }
      } else {
        index = random.weightedIndex(town.stadsdelar.map((s) => s.district.population));
        position = town.randomPointIn(index, random);
      }
      if (!position) throw new Error('no mark position');

      const reasons = cluster.reasons.filter(([, p]) => random.chance(p)).map(([reason]) => reason);
      if (reasons.length === 0) reasons.push(cluster.reasons[random.weightedIndex(cluster.reasons.map(([, p]) => p))][0]);
      // Most marks near home, but the station and the centre are marked from all over town.
      const local = index >= 0 ? byStadsdel.get(town.stadsdelar[index].district.key) : undefined;
      const pool = local && random.chance(0.6) ? local : everyone;
      let responseRef: string | null = null;
      if (pool.all.length > 0 && random.chance(0.5)) {
        const candidates = pool.unsafe.length > 0 && random.chance(0.8) ? pool.unsafe : pool.all;
        responseRef = random.pick(candidates).responseRef;
      }
      marks.push({
        markRef: '',
        responseRef,
        e: position[0],
        n: position[1],
        reasons,
        timeOfDay: TIMES_OF_DAY[random.weightedIndex(cluster.times)],
        comment: random.chance(0.35) ? random.pick(cluster.comments) : null,
      });
    }
  });
  // Interleave the clusters as they would arrive, then number them in that order.
  for (let i = marks.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [marks[i], marks[j]] = [marks[j], marks[i]];
  }
  return marks.map((m, i) => ({ ...m, markRef: `${refPrefix}-${String(i + 1).padStart(4, '0')}` }));
}
