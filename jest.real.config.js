/** `npm run test:real`: the program's files run by the real Loki, Promtail, Prometheus and Alertmanager (tests/real). Two files at a time:
 * the outage and retention tests mostly wait; each test names its own containers, labels and ports. */
const base = require("./jest.config");
module.exports = { ...base, roots: ["<rootDir>/tests/real"], testPathIgnorePatterns: [], testTimeout: 300000, maxWorkers: 2, forceExit: true };
