using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerPower.Operator.Kubernetes;

/// <summary>
/// Builds an RFC 7386 JSON merge patch that turns one document into another: changed and added members are set,
/// removed members are set to null, arrays are replaced whole. An empty object means "no change".
/// Members named in <paramref name="whole"/> (top level) are written whole when they change: every field of the
/// record is set, the absent ones to null, so a record is never merged field by field with one written since by
/// another writer (<c>status.lastAction</c> always keeps the target and token of the action it describes).
/// </summary>
public static class MergePatch
{
    /// <summary>
    /// The status members written whole, with the fields a write always sets (see <see cref="Diff"/>). lastAction's
    /// settledTime is the exception: it only ends the wait for an effect, and another writer may have seen that effect
    /// since (an old leader's late outcome must not undo it).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> StatusRecords = new Dictionary<string, string[]>
    {
        ["lastAction"] = ["type", "token", "requestTime", "result", "message", "target"],
    };

    public static JsonObject Diff(JsonElement? from, JsonElement to, IReadOnlyDictionary<string, string[]>? whole = null)
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
                    patch[property.Name] = whole?.TryGetValue(property.Name, out var fields) == true ? Whole(fields, before, property.Value) : Diff(before, property.Value);
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

    /// <summary>The record as <paramref name="after"/> has it: the fields always set, and the caller's own removals.</summary>
    private static JsonObject Whole(string[] fields, JsonElement before, JsonElement after)
    {
        var record = JsonNode.Parse(after.GetRawText())!.AsObject();
        foreach (var field in fields.Concat(before.EnumerateObject().Select(p => p.Name)))
            if (!after.TryGetProperty(field, out _)) record[field] = null;
        return record;
    }
}
