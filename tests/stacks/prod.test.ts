import { monitoringSpec } from "../harness/monitoringSpec";
import { foundationSpec, programFor } from "../harness/stackSpec";

const program = programFor("prod");
foundationSpec("prod", program);
monitoringSpec("prod", program);
