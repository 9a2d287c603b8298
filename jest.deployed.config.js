/** `npm run test:deployed`: every stack as deployed on a real engine, with the real Loki, Promtail, HAProxy and Prometheus (tests/deployed). */
const base = require("./jest.config");
module.exports = { ...base, roots: ["<rootDir>/tests/deployed"], testPathIgnorePatterns: [], testTimeout: 300000, maxWorkers: 1, forceExit: true };
