// Jest environment for mutation runs only: Stryker cannot bail with Jest (its jest-runner sets bail: false,
// jestjs/jest#11766), so every killed mutant would still run every related test. This records the first
// failure and skips the rest of the file's tests; runner.js skips the remaining files.
const { TestEnvironment } = require("jest-environment-node");
const state = require("./state");

class BailEnvironment extends TestEnvironment {
    async handleTestEvent(event) {
        if (event.name === "test_fn_failure" || event.name === "hook_failure") state.recordFailure();
        if (event.name === "test_start" && state.bailed()) event.test.mode = "skip";
    }
}

module.exports = BailEnvironment;
