import fs from "node:fs";
import type { Reporter, TestCase } from "vitest/node";

/**
 * Writes the tests that passed only after a retry to the JSON file named by VITEST_FLAKY_REPORT, so that
 * scripts/test.ts counts them as failures (retries stay useful for diagnosis, never to turn a run green).
 */
export default class FlakyReporter implements Reporter {
  private readonly flaky: { file: string; name: string; retries: number }[] = [];

  onTestCaseResult(testCase: TestCase) {
    const diagnostic = testCase.diagnostic();
    if (diagnostic?.flaky) {
      this.flaky.push({ file: testCase.module.moduleId, name: testCase.fullName, retries: diagnostic.retryCount });
    }
  }

  onTestRunEnd() {
    const target = process.env.VITEST_FLAKY_REPORT;
    if (target) fs.writeFileSync(target, JSON.stringify(this.flaky, null, 2));
  }
}
