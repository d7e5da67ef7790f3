using System.Text.Json.Nodes;
using ServerPower.Sandbox.Kubernetes.Api;

namespace ServerPower.Sandbox.Kubernetes.Rbac;

/// <summary>A bearer token whose requests are checked against RBAC rules.</summary>
public sealed record EmulatorIdentity(string Token, IReadOnlyList<EmulatorPolicyRule> Rules, string UserName = "system:serviceaccount:serverpower-system:serverpower-operator")
{
    public bool Allows(RequestAttributes request) => Rules.Any(r => r.Allows(request));

    /// <summary>
    /// Rules from YAML documents (e.g. <c>helm template</c> output): every ClusterRole's rules apply
    /// cluster-wide, every Role's rules in its namespace (<paramref name="defaultNamespace"/> when unset).
    /// Other kinds, bindings included, are ignored: the caller decides who holds the token.
    /// </summary>
    public static EmulatorIdentity FromRbacYaml(string token, string yaml, string defaultNamespace = "default", string? userName = null)
    {
        var rules = new List<EmulatorPolicyRule>();
        foreach (var doc in YamlJson.ParseDocuments(yaml))
        {
            var kind = doc["kind"]?.ToString();
            if (kind is "List" && doc["items"] is JsonArray items)
            {
                foreach (var item in items.OfType<JsonObject>())
                {
                    AddRules(item, item["kind"]?.ToString(), defaultNamespace, rules);
                }
                continue;
            }
            AddRules(doc, kind, defaultNamespace, rules);
        }
        return userName is null ? new EmulatorIdentity(token, rules) : new EmulatorIdentity(token, rules, userName);
    }

    private static void AddRules(JsonObject doc, string? kind, string defaultNamespace, List<EmulatorPolicyRule> rules)
    {
        if (kind is not ("Role" or "ClusterRole") || doc["rules"] is not JsonArray ruleArray)
        {
            return;
        }
        var ns = kind == "Role" ? doc["metadata"]?["namespace"]?.ToString() ?? defaultNamespace : null;
        foreach (var rule in ruleArray.OfType<JsonObject>())
        {
            if (rule["nonResourceURLs"] is not null && rule["resources"] is null)
            {
                continue;
            }
            rules.Add(new EmulatorPolicyRule(
                Strings(rule["apiGroups"]), Strings(rule["resources"]), Strings(rule["verbs"]),
                Strings(rule["resourceNames"]), ns));
        }
    }

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray a ? a.Select(n => n?.ToString() ?? "").ToList() : [];
}
