import base from "./vitest.config";

/**
 * Stryker's Vitest config (stryker.config.mjs): vitest.config.ts with only the test files of the module under
 * mutation, which scripts/mutation.ts passes in MUTATION_TEST_FILES (comma-separated). Not Stryker's own
 * `testFiles` option: with it, Stryker 9.6 runs a static mutant (a module constant, such as a table of address
 * ranges) with "runtime" activation, after the module was loaded, so that mutant could never be killed.
 */
const files = (process.env.MUTATION_TEST_FILES ?? "").split(",").filter(Boolean);
if (files.length === 0) throw new Error("MUTATION_TEST_FILES is empty: run mutation testing with `npm run test:mutation`.");

const config = { ...base, test: { ...base.test, include: files } };
export default config;
