using System.Text.Json.Nodes;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>Applies schema defaults to absent fields of objects that exist (apiextensions defaulting).</summary>
public static class SchemaDefaulter
{
    public static void ApplyRoot(JsonObject obj, JsonObject schema)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            return;
        }
        foreach (var (key, propSchema) in properties)
        {
            if (key is "metadata" or "apiVersion" or "kind" || propSchema is not JsonObject ps)
            {
                continue;
            }
            ApplyProperty(obj, key, ps);
        }
    }

    private static void ApplyProperty(JsonObject parent, string key, JsonObject schema)
    {
        if (!parent.ContainsKey(key) || (parent[key] is null && !SchemaPruner.IsNullable(schema)))
        {
            if (schema["default"] is { } def)
            {
                parent[key] = def.DeepClone();
            }
            else
            {
                return;
            }
        }
        Apply(parent[key], schema);
    }

    private static void Apply(JsonNode? value, JsonObject schema)
    {
        switch (value)
        {
            case JsonObject obj:
                if (schema["properties"] is JsonObject properties)
                {
                    foreach (var (key, propSchema) in properties)
                    {
                        if (propSchema is JsonObject ps)
                        {
                            ApplyProperty(obj, key, ps);
                        }
                    }
                }
                if (schema["additionalProperties"] is JsonObject additional)
                {
                    foreach (var (_, child) in obj.ToList())
                    {
                        Apply(child, additional);
                    }
                }
                break;
            case JsonArray array when schema["items"] is JsonObject items:
                foreach (var item in array)
                {
                    Apply(item, items);
                }
                break;
        }
    }
}
