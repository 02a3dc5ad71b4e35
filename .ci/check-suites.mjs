// Fails CI when the PostGIS-server suite or the browser suite did not run (skipped or absent),
// and prints the closing "N passed, N failed" line.
import fs from 'node:fs';

const report = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const tests = report.testResults.flatMap((file) =>
  file.assertionResults.map((t) => ({ file: file.name, name: [...t.ancestorTitles, t.title].join(' › '), status: t.status })),
);
const passed = tests.filter((t) => t.status === 'passed').length;
const failed = tests.filter((t) => t.status === 'failed').length;
const problems = [];
const postgres = tests.filter((t) => t.name.includes('(postgres)'));
if (!postgres.length || postgres.some((t) => t.status !== 'passed')) problems.push(`PostGIS-server suite: ${postgres.filter((t) => t.status === 'passed').length}/${postgres.length} passed`);
const browser = tests.filter((t) => t.file.includes('/test/browser/'));
if (!browser.length || browser.some((t) => t.status !== 'passed')) problems.push(`browser suite: ${browser.filter((t) => t.status === 'passed').length}/${browser.length} passed`);
console.log(`PostGIS-server tests passed: ${postgres.filter((t) => t.status === 'passed').length}; browser tests passed: ${browser.filter((t) => t.status === 'passed').length}`);
console.log(`vitest: ${passed} passed, ${failed} failed`);
// Name them: a skipped test gives no failure output of its own to search for.
for (const t of [...postgres, ...browser].filter((t) => t.status !== 'passed')) console.error(`not passed (${t.status}): ${t.file} › ${t.name}`);
if (problems.length || failed || !passed) {
  console.error(`CI requirement not met: ${problems.join('; ') || 'failures present'}`);
  process.exit(1);
}
