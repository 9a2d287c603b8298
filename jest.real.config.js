/** `npm run test:real`: the program's files run by the real Loki, Promtail and Prometheus (tests/real). */
const base = require("./jest.config");
module.exports = { ...base, roots: ["<rootDir>/tests/real"], testPathIgnorePatterns: [], testTimeout: 300000, maxWorkers: 1, forceExit: true };
