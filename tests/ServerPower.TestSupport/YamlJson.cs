using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ServerPower.TestSupport;

/// <summary>
/// YAML to JSON with the YAML 1.2 core schema, as Kubernetes reads manifests: a plain scalar that looks like an
/// integer, a float, a boolean or null becomes one; a quoted or block scalar is always a string. Numbers are JSON
/// numbers without a .NET type (as if parsed from JSON), so a test may read one as int, long or double.
/// </summary>
public static partial class YamlJson
{
    /// <summary>Every document that is a mapping (multi-document streams such as <c>helm template</c> output).</summary>
    public static IReadOnlyList<JsonObject> ParseDocuments(string yaml) =>
        Load(yaml).Select(d => ToJson(d.RootNode)).OfType<JsonObject>().ToList();

    /// <summary>The single document of a file.</summary>
    public static JsonObject ParseFile(string path) => ParseDocuments(File.ReadAllText(path)).Single();

    /// <summary>The first document as any node (an expected value written as YAML, for <see cref="JsonNode.DeepEquals"/>).</summary>
    public static JsonNode? Node(string yaml) => ToJson(Load(yaml)[0].RootNode);

    private static IList<YamlDocument> Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents;
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException($"YAML node {node.NodeType} at {node.Start}"),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain) return JsonValue.Create(text);
        if (text is "" or "~" or "null" or "Null" or "NULL") return null;
        if (text is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (Integer().IsMatch(text)) return Number(long.Parse(text, CultureInfo.InvariantCulture));
        if (Float().IsMatch(text)) return Number(double.Parse(text, CultureInfo.InvariantCulture));
        return JsonValue.Create(text);
    }

    private static JsonValue Number<T>(T value) => JsonValue.Create(JsonSerializer.SerializeToElement(value))!;

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
