using System.Text.Json.Nodes;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>
/// A schema node's compiled rules and the children that lead to more rules (branches without rules are left
/// out, so objects without any rule cost nothing to validate). <see cref="MapKeys"/> are the
/// x-kubernetes-list-map-keys that correlate old and new items of a list for transition rules.
/// </summary>
public sealed record CelRuleNode(
    JsonObject Schema,
    IReadOnlyList<CelRule> Rules,
    IReadOnlyDictionary<string, CelRuleNode> Properties,
    CelRuleNode? Items,
    CelRuleNode? AdditionalProperties,
    IReadOnlyList<string> MapKeys);
