import { foundationSpec, programFor } from "../harness/stackSpec";

const program = programFor("staging");
foundationSpec("staging", program);
