using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerPower.Operator.Kubernetes;

/// <summary>
/// Builds an RFC 7386 JSON merge patch that turns one document into another: changed and added members are set,
/// removed members are set to null, arrays are replaced whole. An empty object means "no change".
/// Members named in <paramref name="whole"/> (top level) are written whole when they change, every field set (and
/// the caller's other fields nulled), so a record is never merged field by field with one written since by another
/// writer: <c>status.lastAction</c> always keeps the target its action went to.
/// </summary>
public static class MergePatch
{
    /// <summary>The status members written whole (see <see cref="Diff"/>).</summary>
    public static readonly IReadOnlySet<string> StatusRecords = new HashSet<string> { "lastAction" };

    public static JsonObject Diff(JsonElement? from, JsonElement to, IReadOnlySet<string>? whole = null)
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
                    patch[property.Name] = whole?.Contains(property.Name) == true ? Whole(before, property.Value) : Diff(before, property.Value);
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

    private static JsonObject Whole(JsonElement before, JsonElement after)
    {
        var record = JsonNode.Parse(after.GetRawText())!.AsObject();
        foreach (var field in before.EnumerateObject())
            if (!after.TryGetProperty(field.Name, out _)) record[field.Name] = null;
        return record;
    }
}
