// Shared by the bail environment and runner below (one Node module instance per Stryker test-runner process).
// Stryker names the mutant under test in this variable during a mutant run (@stryker-mutator/jest-runner
// jest-test-runner.js mutantRun); it is unset during the dry run, which measures coverage and must run everything.
const ACTIVE = "__STRYKER_ACTIVE_MUTANT__";
let killed;

module.exports = {
    /** A test or hook failed while the current mutant was active: it is killed. */
    recordFailure() {
        if (process.env[ACTIVE] !== undefined) killed = process.env[ACTIVE];
    },
    /** The active mutant is already killed: the remaining tests cannot change its status. */
    bailed() {
        return process.env[ACTIVE] !== undefined && killed === process.env[ACTIVE];
    },
    /** No mutant is active: this is Stryker's dry run, which measures which tests cover which mutant. */
    measuringCoverage() {
        return process.env[ACTIVE] === undefined;
    },
};
