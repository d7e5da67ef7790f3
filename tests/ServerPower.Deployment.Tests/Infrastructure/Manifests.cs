using System.Text.Json.Nodes;

namespace ServerPower.Deployment.Tests.Infrastructure;

/// <summary>Multi-document Kubernetes YAML as JSON nodes (read by <see cref="YamlJson"/>), and ways to pick objects out.</summary>
public static class Manifests
{
    public static IReadOnlyList<JsonObject> Parse(string yaml) => YamlJson.ParseDocuments(yaml);

    public static JsonObject ParseOne(string yaml) => Assert.Single(Parse(yaml));

    public static IEnumerable<JsonObject> OfKind(this IEnumerable<JsonObject> objects, string kind) =>
        objects.Where(o => (string?)o["kind"] == kind);

    public static JsonObject Single(this IEnumerable<JsonObject> objects, string kind, string name) =>
        Assert.Single(objects.OfKind(kind), o => (string?)o["metadata"]?["name"] == name);

    public static string? Namespace(this JsonObject o) => (string?)o["metadata"]?["namespace"];

    public static string? Name(this JsonObject o) => (string?)o["metadata"]?["name"];

    /// <summary>Parses YAML text (e.g. an expected value) into a node, for <see cref="JsonNode.DeepEquals"/>.</summary>
    public static JsonNode? Node(string yaml) => YamlJson.Node(yaml);
}
