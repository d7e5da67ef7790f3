using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>
/// JSON values as the CEL package sees them, typed by the schema like Kubernetes does: objects and maps become
/// string-keyed dictionaries, arrays lists, <c>integer</c> int (long), <c>number</c> double (even 5),
/// <c>format: date-time</c> strings timestamps. At the root only metadata.name and metadata.generateName are
/// visible, as in kube-apiserver.
/// </summary>
public static class CelValues
{
    public static object? FromRoot(JsonObject obj, JsonObject schema)
    {
        var value = (Dictionary<string, object?>)From(obj, schema)!;
        if (obj["metadata"] is JsonObject meta)
        {
            var visible = new Dictionary<string, object?>();
            foreach (var key in new[] { "name", "generateName" })
            {
                if (meta[key]?.ToString() is { } text) visible[key] = text;
            }
            value["metadata"] = visible;
        }
        return value;
    }

    public static object? From(JsonNode? node, JsonObject? schema)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                var properties = schema?["properties"] as JsonObject;
                var additional = schema?["additionalProperties"] as JsonObject;
                var map = new Dictionary<string, object?>(obj.Count);
                foreach (var (key, child) in obj)
                {
                    map[key] = From(child, properties?[key] as JsonObject ?? additional);
                }
                return map;
            case JsonArray array:
                var items = schema?["items"] as JsonObject;
                return array.Select(item => From(item, items)).ToArray();
            case JsonValue v:
                return Scalar(v, schema);
            default:
                return null;
        }
    }

    private static object? Scalar(JsonValue v, JsonObject? schema)
    {
        var type = schema?["type"]?.ToString();
        switch (v.GetValueKind())
        {
            case JsonValueKind.String:
                var text = v.GetValue<string>();
                return schema?["format"]?.ToString() == "date-time" &&
                       DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                    ? Timestamp.FromDateTimeOffset(time)
                    : text;
            case JsonValueKind.Number:
                if (type == "number") return JsonKinds.Number(v);
                if (long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return integer;
                return type == "integer" && JsonKinds.IsIntegral(v) ? (long)JsonKinds.Number(v) : JsonKinds.Number(v);
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }
}
