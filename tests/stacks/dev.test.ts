import { foundationSpec, programFor } from "../harness/stackSpec";

const program = programFor("dev");
foundationSpec("dev", program);
