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
