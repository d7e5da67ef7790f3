using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>OpenAPI type names and numeric access for JSON nodes.</summary>
public static class JsonKinds
{
    public static string TypeName(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => IsIntegral(v) ? "integer" : "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        },
        _ => "null",
    };

    public static double Number(JsonValue v) => double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture);

    public static bool IsIntegral(JsonValue v)
    {
        var text = v.ToJsonString();
        return !text.Contains('.') && !text.Contains('e') && !text.Contains('E') ||
               Math.Abs(Number(v) % 1) < double.Epsilon;
    }

    public static bool Matches(string schemaType, JsonNode? node)
    {
        var actual = TypeName(node);
        return schemaType == actual || (schemaType == "number" && actual == "integer");
    }
}
