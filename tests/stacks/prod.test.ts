import { grafanaSpec } from "../harness/grafanaSpec";
import { monitoringSpec } from "../harness/monitoringSpec";
import { policySpec } from "../harness/policySpec";
import { foundationSpec, programFor } from "../harness/stackSpec";

const program = programFor("prod");
foundationSpec("prod", program);
monitoringSpec("prod", program);
grafanaSpec("prod", program);
policySpec("prod", program);
