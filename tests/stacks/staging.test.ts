import { grafanaSpec } from "../harness/grafanaSpec";
import { monitoringSpec } from "../harness/monitoringSpec";
import { foundationSpec, programFor } from "../harness/stackSpec";

const program = programFor("staging");
foundationSpec("staging", program);
monitoringSpec("staging", program);
grafanaSpec("staging", program);
