using System.Text.Json.Nodes;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>
/// Drops fields a structural schema does not declare (unless x-kubernetes-preserve-unknown-fields) and
/// nulls of non-nullable fields, like the apiextensions pruning. Returns the dropped field paths, which
/// fieldValidation=Strict turns into an error and Warn into warnings.
/// </summary>
public static class SchemaPruner
{
    private static readonly HashSet<string> ObjectMetaFields =
    [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
        "managedFields",
    ];

    public static List<string> PruneRoot(JsonObject obj, JsonObject schema)
    {
        var dropped = new List<string>();
        if (obj["metadata"] is JsonObject meta)
        {
            foreach (var key in meta.Select(p => p.Key).Where(k => !ObjectMetaFields.Contains(k)).ToList())
            {
                meta.Remove(key);
                dropped.Add("metadata." + key);
            }
        }
        var properties = schema["properties"] as JsonObject;
        foreach (var (key, _) in obj.ToList())
        {
            if (key is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }
            if (properties?[key] is JsonObject propSchema)
            {
                PruneValue(obj, key, propSchema, key, dropped);
            }
            else if (!PreservesUnknown(schema))
            {
                obj.Remove(key);
                dropped.Add(key);
            }
        }
        return dropped;
    }

    private static void PruneValue(JsonObject parent, string key, JsonObject schema, string path, List<string> dropped)
    {
        var value = parent[key];
        if (value is null)
        {
            if (!IsNullable(schema))
            {
                parent.Remove(key);
            }
            return;
        }
        Prune(value, schema, path, dropped);
    }

    private static void Prune(JsonNode value, JsonObject schema, string path, List<string> dropped)
    {
        if (schema["x-kubernetes-embedded-resource"]?.GetValue<bool>() == true && value is JsonObject embedded)
        {
            embedded.Remove("status");
        }
        switch (value)
        {
            case JsonObject obj:
                var properties = schema["properties"] as JsonObject;
                var additional = schema["additionalProperties"] as JsonObject;
                foreach (var (key, _) in obj.ToList())
                {
                    var childPath = $"{path}.{key}";
                    if (properties?[key] is JsonObject propSchema)
                    {
                        PruneValue(obj, key, propSchema, childPath, dropped);
                    }
                    else if (additional is not null)
                    {
                        PruneValue(obj, key, additional, childPath, dropped);
                    }
                    else if (!PreservesUnknown(schema) && !AllowsAnyAdditional(schema))
                    {
                        obj.Remove(key);
                        dropped.Add(childPath);
                    }
                }
                break;
            case JsonArray array when schema["items"] is JsonObject items:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item)
                    {
                        Prune(item, items, $"{path}[{i}]", dropped);
                    }
                }
                break;
        }
    }

    public static bool PreservesUnknown(JsonObject schema) =>
        schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;

    private static bool AllowsAnyAdditional(JsonObject schema) =>
        schema["additionalProperties"] is JsonValue v && v.GetValue<bool>();

    public static bool IsNullable(JsonObject schema) => schema["nullable"]?.GetValue<bool>() == true;
}
