// Jest environment for mutation runs only.
//
// Bail: Stryker cannot bail with Jest (its jest-runner sets bail: false, jestjs/jest#11766), so every killed
// mutant would still run every related test. This records the first failed test and skips the rest of the
// file's tests; runner.js skips the remaining files. A failed test is one that ends with errors (test_done):
// a failing beforeAll hook adds its error to every test under it (jest-circus addErrorToEachTestUnderDescribe),
// so the hook itself is not the signal.
//
// Coverage of beforeAll hooks: Stryker attributes code run outside a test (between test_start and test_done,
// @stryker-mutator/jest-runner mixin-jest-environment.cjs) to no test: such a mutant is "static" and is run
// against every related test file, each running its whole program. The stack tests run the program once in
// a beforeAll, so most mutants were static. During the dry run (no active mutant) a beforeAll hook's coverage
// is recorded under a key of its own and added to every test under the hook's describe block when that test
// starts: the mutant is then run against those tests only, and jest-circus skips the beforeAll of every
// describe block with no selected test (hasEnabledTest), so unrelated files no longer run their program.
const { TestEnvironment } = require("jest-environment-node");
const state = require("./state");

const HOOK_KEY = "\u0000beforeAll ";

/** Stryker's test id, computed as its mixin does (mixin-jest-environment.cjs fullName). */
function describeName(block) {
    return block.parent ? `${describeName(block.parent)} ${block.name}`.trimStart() : "";
}
function fullName(test) {
    return `${describeName(test.parent)} ${test.name}`.trimStart();
}

class BailEnvironment extends TestEnvironment {
    #hookKeys = new Map();

    #stryker() {
        return this.global[this.global.__strykerGlobalNamespace__ ?? "__stryker__"];
    }

    async handleTestEvent(event) {
        if (event.name === "test_done" && event.test.errors.length > 0) state.recordFailure();
        if (event.name === "test_start" && state.bailed()) event.test.mode = "skip";
        if (!state.measuringCoverage()) return;
        const stryker = this.#stryker();
        if (!stryker) return;
        if (event.name === "hook_start" && event.hook.type === "beforeAll") {
            const key = `${HOOK_KEY}${this.#hookKeys.size}`;
            this.#hookKeys.set(event.hook.parent, [...(this.#hookKeys.get(event.hook.parent) ?? []), key]);
            stryker.currentTestId = key;
        } else if ((event.name === "hook_success" || event.name === "hook_failure") && event.hook.type === "beforeAll") {
            stryker.currentTestId = undefined;
        } else if (event.name === "test_start") {
            const perTest = stryker.mutantCoverage?.perTest;
            if (!perTest) return;
            const id = fullName(event.test);
            for (let block = event.test.parent; block; block = block.parent) {
                for (const key of this.#hookKeys.get(block) ?? []) {
                    const into = (perTest[id] = perTest[id] ?? {});
                    for (const [mutant, hits] of Object.entries(perTest[key] ?? {})) into[mutant] = (into[mutant] ?? 0) + hits;
                }
            }
        } else if (event.name === "run_finish") {
            const perTest = stryker.mutantCoverage?.perTest ?? {};
            for (const keys of this.#hookKeys.values()) for (const key of keys) delete perTest[key];
        }
    }
}

module.exports = BailEnvironment;
module.exports.fullName = fullName;
