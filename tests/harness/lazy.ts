/**
 * A value computed inside each test that uses it, not while tests are collected: program code that runs during
 * collection counts for no test (Stryker files its mutants as static and tries them against every related
 * file), and a throw there fails the whole file instead of one test. It is computed once per test, not once
 * per file: Stryker credits a test with the code that ran during it, so a value cached by an earlier test would
 * leave every later test that checks it out of a mutant's covering tests.
 */
export function lazy<T>(compute: () => T): () => T {
    let computedFor: string | undefined;
    let value: T;
    return () => {
        const test = expect.getState().currentTestName ?? "";
        if (computedFor !== test) {
            value = compute();
            computedFor = test;
        }
        return value;
    };
}
