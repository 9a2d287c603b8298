/** `npm run test:engine`: the program's containers on a real Docker engine (tests/engine). */
const base = require("./jest.config");
module.exports = { ...base, roots: ["<rootDir>/tests/engine"], testPathIgnorePatterns: [], testTimeout: 600000, maxWorkers: 1 };
