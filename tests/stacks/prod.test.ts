import { foundationSpec, programFor } from "../harness/stackSpec";

const program = programFor("prod");
foundationSpec("prod", program);
