/** A stack configuration value that cannot be used; the message names the key, the value and what is allowed. */
export class SettingsError extends Error {
    constructor(
        readonly key: string,
        readonly value: unknown,
        readonly allowed: string,
    ) {
        super(`Invalid stack configuration ${key} = ${JSON.stringify(value)}: ${allowed}`);
        this.name = "SettingsError";
    }
}
