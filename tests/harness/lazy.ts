/**
 * A value computed on first use, inside a test, not while tests are collected: program code that runs during
 * collection counts for no test (Stryker files its mutants as static and tries them against every related
 * file), and a throw there fails the whole file instead of one test.
 */
export function lazy<T>(compute: () => T): () => T {
    let done = false;
    let value: T;
    return () => {
        if (!done) {
            value = compute();
            done = true;
        }
        return value;
    };
}
