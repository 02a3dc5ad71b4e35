import type { DemoFocusArea } from './demo-data.ts';

const LOCAL_POLICE = 'Polisen lokalpolisområde Demostad';

/**
 * The demo's crime-prevention strategy, modelled on Swedish municipal programmes. Codes match
 * the categories' default focus areas in shared/categories.ts; together they cover every
 * SPEC §4.4 category, and a category's default focus area is the one it belongs to first.
 */
export function demoFocusAreas(): DemoFocusArea[] {
  return [
    {
      code: 'offentliga_miljoer',
      nameSv: 'Trygga offentliga miljöer',
      nameEn: 'Safe public spaces',
      goal: 'Fler invånare ska känna sig trygga i centrum, vid resecentrum och i sitt bostadsområde en sen kväll, och våld och ordningsstörningar på allmän plats ska minska.',
      responsible: 'Samhällsbyggnadsnämnden',
      indicators: [
        'Andel som känner sig otrygga ute sent en kväll i sitt bostadsområde (trygghetsmätning)',
        'Andel som avstått från en aktivitet på grund av otrygghet',
        'Anmäld misshandel utomhus i centrum fredag–lördag natt',
        'Andel som upplever dålig belysning som ett problem',
        'Antal rapporter om otrygga platser',
      ],
      categories: ['misshandel', 'hot', 'ran', 'ordningsstorning', 'folksamling', 'otrygg_plats', 'stold', 'cykelstold', 'skadegorelse', 'klotter', 'nedskrapning', 'olovligt_boende', 'incident_mot_anstalld'],
    },
    {
      code: 'bostadsomraden',
      nameSv: 'Trygga bostadsområden och vardagsbrott',
      nameEn: 'Safe neighbourhoods and volume crime',
      goal: 'Bostadsinbrott och fordonsbrott ska minska genom grannsamverkan och platsnära arbete tillsammans med fastighetsägarna.',
      responsible: LOCAL_POLICE,
      indicators: [
        'Anmälda bostadsinbrott per 1 000 invånare',
        'Anmälda fordonsbrott per 1 000 invånare',
        'Antal områden med aktiv grannsamverkan',
      ],
      categories: ['inbrott_bostad', 'fordonsbrott', 'stold', 'cykelstold', 'skadegorelse'],
    },
    {
      code: 'skola_barn_unga',
      nameSv: 'Skola och barns uppväxtvillkor',
      nameEn: 'School and children’s living conditions',
      goal: 'Alla barn ska fullfölja grundskolan med godkända betyg och ingen ska dras in i kriminalitet; skadegörelse och anlagda bränder vid skolorna ska minska.',
      responsible: 'Barn- och utbildningsnämnden',
      indicators: [
        'Andel elever med behörighet till gymnasieskolan',
        'Ogiltig frånvaro i årskurs 7–9',
        'Anmäld skadegörelse och anlagd brand vid skolor',
        'Andel elever som känner sig trygga i skolan (elevenkät)',
      ],
      categories: ['brand', 'buskorning', 'skadegorelse', 'klotter', 'incident_mot_anstalld'],
    },
    {
      code: 'barn_unga_fritid',
      nameSv: 'Barns och ungas fritid',
      nameEn: 'Children’s and young people’s leisure',
      goal: 'Fler unga ska ha en meningsfull fritid med vuxna närvarande kvällar och helger, så att otrygga samlingar och buskörning minskar.',
      responsible: 'Kultur- och fritidsnämnden',
      indicators: [
        'Antal besök på fritidsgårdarna kvällstid',
        'Andel unga som deltar i en organiserad fritidsaktivitet',
        'Rapporter om buskörning och otrygga samlingar',
      ],
      categories: ['folksamling', 'buskorning', 'langning', 'nedskrapning'],
    },
    {
      code: 'narkotika',
      nameSv: 'Narkotika, alkohol och langning',
      nameEn: 'Drugs, alcohol and supply to minors',
      goal: 'Den öppna narkotikahandeln vid resecentrum ska upphöra och färre unga ska börja använda alkohol och narkotika tidigt.',
      responsible: 'Socialnämnden',
      indicators: [
        'Andel elever i årskurs 9 som använt narkotika (drogvaneundersökning)',
        'Antal tillsynsbesök enligt alkohollagen',
        'Antal ingripanden vid resecentrum (speglar polisens insats lika mycket som brottsligheten)',
      ],
      categories: ['narkotika', 'langning'],
    },
    {
      code: 'organiserad_brottslighet',
      nameSv: 'Organiserad brottslighet',
      nameEn: 'Organised crime',
      goal: 'Ingen ska rekryteras in i kriminella nätverk, skjutningar och sprängningar ska inte förekomma och kommunens tillstånd och bidrag ska inte gå till kriminella aktörer.',
      responsible: LOCAL_POLICE,
      indicators: [
        'Antal skjutningar och sprängningar',
        'Antal unga i samverkan skola, socialtjänst, polis och fritid (SSPF)',
        'Antal granskade tillstånd och upphandlingar',
      ],
      categories: ['skjutning', 'sprangning', 'narkotika', 'ran'],
    },
    {
      code: 'vald_nara_relation',
      nameSv: 'Våld i nära relation',
      nameEn: 'Domestic violence',
      goal: 'Mäns våld mot kvinnor, våld i nära relationer och hedersrelaterat våld och förtryck ska minska, och fler utsatta ska få stöd tidigt.',
      responsible: 'Socialnämnden',
      indicators: [
        'Antal anmälda fall av våld i nära relation',
        'Antal personer som fått stöd av kvinnofridsteamet',
        'Andel medarbetare i skola och socialtjänst som utbildats i att upptäcka våld',
      ],
      categories: ['vald_nara_relation', 'sexualbrott', 'hedersrelaterat'],
    },
  ];
}
