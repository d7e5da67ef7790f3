using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ServerPower.Sandbox.Kubernetes.Api;

namespace ServerPower.Sandbox.Kubernetes.Http;

/// <summary>
/// Legacy (unaggregated) discovery documents. kubectl asks for aggregated discovery first and falls back
/// to these when the answer's Content-Type is plain application/json, as with an older server.
/// </summary>
public sealed class Discovery(EmulatorState state)
{
    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.0-serverpower-sandbox",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-01-01T00:00:00Z",
        ["goVersion"] = "go1.23.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public JsonObject Groups() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(state.Registry.Groups().Select(g => (JsonNode)Group(g.Group, g.Versions, includeKind: false)).ToArray()),
    };

    public JsonObject? Group(string name)
    {
        var group = state.Registry.Groups().FirstOrDefault(g => g.Group == name);
        return group.Group is null ? null : Group(group.Group, group.Versions, includeKind: true);
    }

    private static JsonObject Group(string name, IReadOnlyList<string> versions, bool includeKind)
    {
        var group = new JsonObject();
        if (includeKind)
        {
            group["kind"] = "APIGroup";
            group["apiVersion"] = "v1";
        }
        group["name"] = name;
        group["versions"] = new JsonArray(versions.Select(v => (JsonNode)GroupVersion(name, v)).ToArray());
        group["preferredVersion"] = GroupVersion(name, versions[0]);
        return group;
    }

    private static JsonObject GroupVersion(string group, string version) => new()
    {
        ["groupVersion"] = $"{group}/{version}",
        ["version"] = version,
    };

    public JsonObject? Resources(string group, string version)
    {
        var types = state.Registry.InGroupVersion(group, version);
        if (types.Count == 0)
        {
            return null;
        }
        var resources = new JsonArray();
        foreach (var t in types)
        {
            var entry = new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = new JsonArray(ResourceType.AllVerbs.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()),
            };
            if (t.ShortNames.Count > 0)
                entry["shortNames"] = new JsonArray(t.ShortNames.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray());
            if (t.Categories.Count > 0)
                entry["categories"] = new JsonArray(t.Categories.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray());
            entry["storageVersionHash"] = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(t.StorageKey + t.Version)))[..11];
            resources.Add(entry);
            if (t.HasStatus)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = $"{t.Plural}/status",
                    ["singularName"] = "",
                    ["namespaced"] = t.Namespaced,
                    ["kind"] = t.Kind,
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }
}
