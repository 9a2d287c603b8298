import { SettingsError } from "../../settings/errors";
import { ProgramRun, runProgram, stackConfig } from "../harness/mocks";

// The real dev stack file with one bad value: the program must stop before registering anything.
test("a bad value stops the program before any resource is registered", async () => {
    const config = stackConfig("dev", { "observability:loki": { retention: "7 days" } });
    let error: unknown;
    let run: ProgramRun | undefined;
    const registered: string[] = [];
    try {
        run = await runProgram("dev", config, (r) => registered.push(r.type));
    } catch (e) {
        error = e;
    }
    expect(run).toBeUndefined();
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).key).toBe("observability:loki.retention");
    expect(registered).toEqual([]);
});
