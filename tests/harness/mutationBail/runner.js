// Jest runner for mutation runs only.
//
// Bail: once the active mutant is killed (see state.js), the files not yet run are left out. Stryker runs Jest
// in band, so files run one after another in this process. Files left out report no result at all, so none
// can be mistaken for a runtime error or a pass.
//
// A test file that cannot run under a mutant (it throws while its tests are collected: a stack file the
// mutated parser refuses, a renderer that throws) fails `npm test` just as a failing test does. Jest reports
// it as a suite error, which Stryker files as a RuntimeError and leaves out of the score (jest-test-runner.js
// collectRunResult: numRuntimeErrorTestSuites), so a mutant that breaks every stack file counted for nothing.
// During a mutant run such a file is reported as one failed test, "the test file loads", with Jest's error.
// The dry run (no active mutant) is untouched: there a file that cannot run still stops Stryker.
const TestRunner = require("jest-runner").default;
const { buildFailureTestResult } = require("@jest/test-result");
const state = require("./state");

const LOADS = "the test file loads";

/** The result of a file that could not run, as one failed test carrying the error. */
function asFailedTest(result) {
    const error = result.testExecError;
    const message = `${error?.message ?? ""}\n${error?.stack ?? ""}`.trim() || "the test file could not run";
    return {
        ...result,
        testExecError: undefined,
        failureMessage: message,
        numFailingTests: result.numFailingTests + 1,
        testResults: [
            ...result.testResults,
            { ancestorTitles: [], fullName: LOADS, title: LOADS, status: "failed", failureMessages: [message], failureDetails: [], duration: 0, numPassingAsserts: 0, invocations: 1, location: null, retryReasons: [] },
        ],
    };
}

class BailRunner extends TestRunner {
    #onSuccess;

    on(eventName, listener) {
        if (eventName === "test-file-success") {
            this.#onSuccess = listener;
            return super.on(eventName, ([test, result]) => {
                if (state.measuringCoverage() || !result.testExecError) return listener([test, result]);
                state.recordFailure();
                return listener([test, asFailedTest(result)]);
            });
        }
        if (eventName === "test-file-failure") {
            return super.on(eventName, ([test, error]) => {
                if (state.measuringCoverage() || !this.#onSuccess) return listener([test, error]);
                state.recordFailure();
                return this.#onSuccess([test, asFailedTest(buildFailureTestResult(test.path, error))]);
            });
        }
        return super.on(eventName, listener);
    }

    async runTests(tests, watcher, options) {
        if (!options.serial) return super.runTests(tests, watcher, options);
        for (const test of tests) {
            if (state.bailed()) break;
            await super.runTests([test], watcher, options);
        }
    }
}

module.exports = BailRunner;
module.exports.LOADS = LOADS;
