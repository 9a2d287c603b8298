import { IMAGE_FACTS } from "../../settings/imageFacts";

/**
 * The facts each pinned image is relied on for cite where they were read (the guide: file and tag) and are
 * in the forms Docker takes. Whether they match the images is proven by the engine tier (stand-in images built
 * from them) and the stack tests (volumes mounted where the user can write).
 */
describe.each(Object.entries(IMAGE_FACTS))("%s image facts", (_service, facts) => {
    test("cite a repository, a tag or version, and the file read", () => {
        expect(facts.source).toMatch(/^[\w.-]+\/[\w.-]+ .*\d+\.\d+.*\S+/);
        expect(facts.source).toMatch(/Dockerfile/);
    });
    test("user as uid[:gid], directories absolute with a numeric owner and an octal mode", () => {
        expect(facts.user).toMatch(/^\d+(:\d+)?$/);
        for (const d of facts.ownedDirs) {
            expect(d.path).toMatch(/^\/\S+$/);
            expect(d.owner).toMatch(/^\d+:\d+$/);
            expect(d.mode).toMatch(/^[0-7]{3,4}$/);
        }
    });
    test("a healthcheck tool named", () => expect(facts.healthcheckTool).toMatch(/^\/?[\w./-]+$/));
});

describe("Grafana's environment (set by its Dockerfile, read by its run.sh; the engine tier's stand-in gets it)", () => {
    const env = IMAGE_FACTS.grafana.env ?? {};
    test("every path run.sh reads is set and absolute", () => {
        for (const key of ["GF_PATHS_CONFIG", "GF_PATHS_DATA", "GF_PATHS_HOME", "GF_PATHS_LOGS", "GF_PATHS_PLUGINS", "GF_PATHS_PROVISIONING"]) {
            expect({ key, value: env[key] }).toEqual({ key, value: expect.stringMatching(/^\/[\w./-]+$/) });
        }
    });
    test("data is the directory the image gives its user; plugins live under it; the config file is in /etc/grafana", () => {
        expect(IMAGE_FACTS.grafana.ownedDirs.map((d) => d.path)).toContain(env.GF_PATHS_DATA);
        expect(env.GF_PATHS_PLUGINS.startsWith(`${env.GF_PATHS_DATA}/`)).toBe(true);
        expect(env.GF_PATHS_CONFIG).toMatch(/^\/etc\/grafana\/grafana\.ini$/);
        expect(env.GF_PATHS_PROVISIONING.startsWith("/etc/grafana/")).toBe(true);
        expect(env.GF_PATHS_LOGS.startsWith("/var/log/")).toBe(true);
    });
    test("PATH finds the grafana binary (in the home's bin) before the system's", () => {
        const dirs = env.PATH.split(":");
        expect(dirs[0]).toBe(`${env.GF_PATHS_HOME}/bin`);
        expect(dirs).toEqual(expect.arrayContaining(["/usr/local/bin", "/usr/bin", "/bin"]));
        for (const d of dirs) expect(d).toMatch(/^\//);
    });
});
