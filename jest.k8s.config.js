/** `npm run test:k8s`: what the program would apply to Kubernetes, rendered by the real Helm and stored by a real
 * kube-apiserver (v1.26.3) with etcd on loopback (tests/k8s, tests/harness/kube.ts). One file at a time: each starts its
 * own API server, and two would only compete for the same two cores. */
const base = require("./jest.config");
module.exports = { ...base, roots: ["<rootDir>/tests/k8s"], testPathIgnorePatterns: [], testTimeout: 300000, maxWorkers: 1, forceExit: true };
