import * as fs from "fs";
import * as path from "path";

/** The nearest ancestor folder holding `relative` (the project's sibling ../shared, also from a copy of the project). */
export function besideProject(relative: string): string {
    for (let dir = path.join(__dirname, ".."); dir !== path.dirname(dir); dir = path.dirname(dir)) {
        const candidate = path.join(dir, relative);
        if (fs.existsSync(candidate)) return candidate;
    }
    return path.join(__dirname, "..", "..", "..", relative);
}
