using System.Text.Json.Nodes;

namespace ServerPower.Sandbox.Kubernetes.Http;

/// <summary>
/// metadata.managedFields as far as the emulator keeps it: one entry per manager, operation (Update or Apply) and
/// subresource, with its apiVersion and the time of its last change. Field sets (fieldsType/fieldsV1) are not
/// computed, so ownership, conflicts and field removal by apply are not emulated.
/// </summary>
public static class ManagedFields
{
    public static void Record(JsonObject meta, string manager, string operation, string apiVersion, string subresource, string time)
    {
        if (meta["managedFields"] is not JsonArray entries)
        {
            entries = [];
            meta["managedFields"] = entries;
        }
        var existing = entries.OfType<JsonObject>().FirstOrDefault(e =>
            e["manager"]?.ToString() == manager && e["operation"]?.ToString() == operation &&
            (e["subresource"]?.ToString() ?? "") == subresource);
        var entry = new JsonObject
        {
            ["manager"] = manager,
            ["operation"] = operation,
            ["apiVersion"] = apiVersion,
            ["time"] = time,
        };
        if (subresource.Length > 0) entry["subresource"] = subresource;
        if (existing is null)
        {
            entries.Add(entry);
        }
        else
        {
            entries[entries.IndexOf(existing)] = entry;
        }
    }

    /// <summary>The manager names recorded on an object, in order.</summary>
    public static IReadOnlyList<string> Managers(JsonObject obj) =>
        (obj["metadata"]?["managedFields"] as JsonArray)?.OfType<JsonObject>()
            .Select(e => e["manager"]?.ToString() ?? "").ToList() ?? [];
}
