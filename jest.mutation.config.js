// Jest as Stryker runs it (npm run test:mutation): the unit tier, stopping at the first failure of a
// mutant run (tests/harness/mutationBail). The dry run, with no active mutant, runs every test.
// Absolute paths: Stryker loads the environment itself and does not expand <rootDir>.
// Roots are the whole project: Stryker runs only the tests Jest finds related to the mutated file
// (--findRelatedTests), and Jest follows imports only through files under its roots; with the unit tier's
// roots (tests/) the chain test -> index.ts -> components/ breaks and a mutant there looks like a survivor.
const path = require("path");
const base = require("./jest.config");

const bail = path.join(__dirname, "tests", "harness", "mutationBail");

module.exports = {
    ...base,
    roots: ["<rootDir>"],
    testMatch: ["<rootDir>/tests/**/*.test.ts"],
    modulePathIgnorePatterns: ["<rootDir>/.stryker-tmp/", "<rootDir>/reports/"],
    testEnvironment: path.join(bail, "environment.js"),
    runner: path.join(bail, "runner.js"),
    testSequencer: path.join(bail, "sequencer.js"),
};
