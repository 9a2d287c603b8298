import { grafanaSpec } from "../harness/grafanaSpec";
import { monitoringSpec } from "../harness/monitoringSpec";
import { policySpec } from "../harness/policySpec";
import { foundationSpec, programFor } from "../harness/stackSpec";

const program = programFor("staging");
foundationSpec("staging", program);
monitoringSpec("staging", program);
grafanaSpec("staging", program);
policySpec("staging", program);
