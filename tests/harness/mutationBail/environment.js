// Jest environment for mutation runs only: Stryker cannot bail with Jest (its jest-runner sets bail: false,
// jestjs/jest#11766), so every killed mutant would still run every related test. This records the first
// failed test and skips the rest of the file's tests; runner.js skips the remaining files.
// A failed test is one that ends with errors (test_done): a failing beforeAll hook adds its error to every
// test under it (jest-circus addErrorToEachTestUnderDescribe), so the hook itself is not the signal.
const { TestEnvironment } = require("jest-environment-node");
const state = require("./state");

class BailEnvironment extends TestEnvironment {
    async handleTestEvent(event) {
        if (event.name === "test_done" && event.test.errors.length > 0) state.recordFailure();
        if (event.name === "test_start" && state.bailed()) event.test.mode = "skip";
    }
}

module.exports = BailEnvironment;
