/** @type {import('jest').Config} */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/tests"],
    testMatch: ["**/*.test.ts"],
    // Tiers with a real engine or real binaries run on their own: npm run test:engine, npm run test:real, npm run test:deployed,
    // npm run test:k8s (a real Helm and kube-apiserver).
    testPathIgnorePatterns: ["/node_modules/", "<rootDir>/tests/engine/", "<rootDir>/tests/real/", "<rootDir>/tests/deployed/", "<rootDir>/tests/k8s/"],
    transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }] },
    testTimeout: 20000,
};
