// Closes a jest run with the plain line CI reads: "jest: N passed, N failed, N skipped", after one
// line per project (the host suites run once per back end: their counts and their suites' summed time).
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const projects = new Map();
    for (const suite of results.testResults) {
      const name = (suite.displayName && suite.displayName.name) || 'default';
      const p = projects.get(name) || { passed: 0, failed: 0, skipped: 0, ms: 0 };
      p.passed += suite.numPassingTests;
      p.failed += suite.numFailingTests + (suite.testExecError ? 1 : 0);
      p.skipped += suite.numPendingTests;
      p.ms += suite.perfStats ? suite.perfStats.end - suite.perfStats.start : 0;
      projects.set(name, p);
    }
    if (projects.size > 1)
      for (const [name, p] of [...projects].sort(([a], [b]) => a.localeCompare(b)))
        process.stdout.write(`\njest [${name}]: ${p.passed} passed, ${p.failed} failed, ${p.skipped} skipped (suites ${Math.round(p.ms / 1000)} s)`);
    const { numPassedTests: passed, numFailedTests: failed, numPendingTests: skipped, numRuntimeErrorTestSuites: broken } = results;
    process.stdout.write(`\njest: ${passed} passed, ${failed + broken} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryReporter;
