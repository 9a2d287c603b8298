import { grafanaSpec } from "../harness/grafanaSpec";
import { monitoringSpec } from "../harness/monitoringSpec";
import { policySpec } from "../harness/policySpec";
import { foundationSpec, programFor } from "../harness/stackSpec";

const program = programFor("dev");
foundationSpec("dev", program);
monitoringSpec("dev", program);
grafanaSpec("dev", program);
policySpec("dev", program);
