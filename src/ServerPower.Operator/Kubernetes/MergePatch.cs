using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerPower.Operator.Kubernetes;

/// <summary>
/// Builds an RFC 7386 JSON merge patch that turns one document into another: changed and added members are set,
/// removed members are set to null, arrays are replaced whole. An empty object means "no change".
/// </summary>
public static class MergePatch
{
    public static JsonObject Diff(JsonElement? from, JsonElement to)
    {
        var patch = new JsonObject();
        var old = from is { ValueKind: JsonValueKind.Object } f ? f : default(JsonElement?);
        foreach (var property in to.EnumerateObject())
        {
            if (old is { } o && o.TryGetProperty(property.Name, out var before))
            {
                if (JsonElement.DeepEquals(before, property.Value)) continue;
                if (before.ValueKind == JsonValueKind.Object && property.Value.ValueKind == JsonValueKind.Object)
                {
                    patch[property.Name] = Diff(before, property.Value);
                    continue;
                }
            }
            patch[property.Name] = JsonNode.Parse(property.Value.GetRawText());
        }
        if (old is { } previous)
        {
            foreach (var property in previous.EnumerateObject())
            {
                if (!to.TryGetProperty(property.Name, out _)) patch[property.Name] = null;
            }
        }
        return patch;
    }
}
