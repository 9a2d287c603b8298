// Test file order for mutation runs: files that failed last time first (the last mutant's killer often kills
// the next), then the quickest first. Jest's default runs the slowest first to keep parallel workers busy;
// Stryker runs in band and bails at the first failure (environment.js, runner.js), so quick files that kill
// spare the slow ones.
const Sequencer = require("@jest/test-sequencer").default;

/** Failed first, then by duration ascending; files never timed last (their cost is unknown). */
function order(a, b) {
    if (a.failed !== b.failed) return a.failed ? -1 : 1;
    if ((a.duration == null) !== (b.duration == null)) return a.duration == null ? 1 : -1;
    return (a.duration ?? 0) - (b.duration ?? 0);
}

class QuickFirstSequencer extends Sequencer {
    sort(tests) {
        const facts = new Map(tests.map((t) => [t, { failed: this.hasFailed(t), duration: this.time(t) }]));
        return [...tests].sort((a, b) => order(facts.get(a), facts.get(b)));
    }
}

module.exports = QuickFirstSequencer;
module.exports.order = order;
