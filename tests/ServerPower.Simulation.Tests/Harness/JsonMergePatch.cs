using System.Text.Json.Nodes;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>Applies an RFC 7386 JSON merge patch, as the API server does for <c>application/merge-patch+json</c>.</summary>
internal static class JsonMergePatch
{
    /// <summary>A new node: <paramref name="target"/> with <paramref name="patch"/> applied (neither is changed).</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject members) return patch?.DeepClone();
        var result = target is JsonObject existing ? (JsonObject)existing.DeepClone() : new JsonObject();
        foreach (var (name, value) in members)
        {
            if (value is null) result.Remove(name);
            else result[name] = Apply(result[name], value);
        }
        return result;
    }
}
