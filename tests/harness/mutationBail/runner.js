// Jest runner for mutation runs only: once the active mutant is killed (see state.js), the files not yet
// run are left out. Stryker runs Jest in band, so files run one after another in this process. Files left
// out report no result at all, so none can be mistaken for a runtime error or a pass.
const TestRunner = require("jest-runner").default;
const state = require("./state");

class BailRunner extends TestRunner {
    async runTests(tests, watcher, options) {
        if (!options.serial) return super.runTests(tests, watcher, options);
        for (const test of tests) {
            if (state.bailed()) break;
            await super.runTests([test], watcher, options);
        }
    }
}

module.exports = BailRunner;
