using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ServerPower.Deployment.Tests.Infrastructure;

/// <summary>Multi-document Kubernetes YAML as JSON nodes (plain scalars typed as YAML 1.2 core schema does).</summary>
public static class Manifests
{
    public static IReadOnlyList<JsonObject> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents
            .Select(d => ToJson(d.RootNode))
            .OfType<JsonObject>()
            .ToList();
    }

    public static JsonObject ParseOne(string yaml) => Assert.Single(Parse(yaml));

    public static IEnumerable<JsonObject> OfKind(this IEnumerable<JsonObject> objects, string kind) =>
        objects.Where(o => (string?)o["kind"] == kind);

    public static JsonObject Single(this IEnumerable<JsonObject> objects, string kind, string name) =>
        Assert.Single(objects.OfKind(kind), o => (string?)o["metadata"]?["name"] == name);

    public static string? Namespace(this JsonObject o) => (string?)o["metadata"]?["namespace"];

    public static string? Name(this JsonObject o) => (string?)o["metadata"]?["name"];

    /// <summary>Parses YAML text (e.g. an expected value) into a node, for <see cref="JsonNode.DeepEquals"/>.</summary>
    public static JsonNode? Node(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return ToJson(stream.Documents[0].RootNode);
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException(node.NodeType.ToString()),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }
        return value switch
        {
            "" or "null" or "~" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ => JsonValue.Create(value),
        };
    }
}
