// Jest as Stryker runs it (npm run test:mutation): the unit tier, stopping at the first failure of a
// mutant run (tests/harness/mutationBail). The dry run, with no active mutant, runs every test.
// Absolute paths: Stryker loads the environment itself and does not expand <rootDir>.
const path = require("path");
const base = require("./jest.config");

const bail = path.join(__dirname, "tests", "harness", "mutationBail");

module.exports = {
    ...base,
    testEnvironment: path.join(bail, "environment.js"),
    runner: path.join(bail, "runner.js"),
};
