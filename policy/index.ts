import { PolicyPack, PolicyResource as SdkResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { PolicyResource, Rule, RULES } from "./rules";
import { KUBERNETES_RULES } from "./kubernetesRules";
import { StackView } from "./stackView";

/** A resource as the rules see it; the engine's property dependencies say which image, volume or network an input came from. */
function fromStack(r: SdkResource): PolicyResource {
    const dependencies = Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, deps]) => [k, deps.map((d) => d.urn)]));
    return { type: r.type, urn: r.urn, props: r.props, protect: r.opts?.protect, dependencies };
}

// The Kubernetes rules read one object each (every object a chart renders is its own `kubernetes:` resource, its
// inputs the object); on any other resource they find nothing.
const rules: Rule[] = [...RULES, ...KUBERNETES_RULES];

// Run with: pulumi preview --policy-pack policy
const policies: Array<ResourceValidationPolicy | StackValidationPolicy> = rules.map((rule) =>
    rule.stackWide
        ? {
              name: rule.name,
              description: rule.description,
              enforcementLevel: "mandatory",
              validateStack: (args, reportViolation) => {
                  const resources = args.resources.map(fromStack);
                  const stack = new StackView(resources);
                  for (const r of resources) for (const message of rule.check(r, stack)) reportViolation(message, r.urn);
              },
          }
        : {
              name: rule.name,
              description: rule.description,
              enforcementLevel: "mandatory",
              validateResource: (args, reportViolation) => {
                  const r: PolicyResource = { type: args.type, urn: args.urn, props: args.props, protect: args.opts?.protect };
                  for (const message of rule.check(r, new StackView([r]))) reportViolation(message);
              },
          },
);

new PolicyPack("observability-stack", { policies });
