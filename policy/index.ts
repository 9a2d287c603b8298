import { PolicyPack, ResourceValidationPolicy } from "@pulumi/policy";
import { RULES } from "./rules";

// Run with: pulumi preview --policy-pack policy
const policies: ResourceValidationPolicy[] = RULES.map((rule) => ({
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const message of rule.check({ type: args.type, urn: args.urn, props: args.props, protect: args.opts?.protect })) reportViolation(message);
    },
}));

new PolicyPack("observability-stack", { policies });
