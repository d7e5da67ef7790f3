using System.Text.Json.Nodes;
using ServerPower.Sandbox.Kubernetes.Api;
using static ServerPower.Sandbox.Kubernetes.Schema.StructuralSchemaNode;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>
/// Defaults must be values their own schema accepts and must survive pruning (no field the schema does not
/// specify). As on the server, defaults under additionalProperties are not followed, and the root counts as an
/// embedded resource, whose apiVersion/kind/metadata are neither pruned nor checked for unknown fields. A default
/// inside an embedded resource's metadata is checked against its schema only, not for being valid ObjectMeta.
/// </summary>
internal static class StructuralSchemaDefaults
{
    public static void Check(JsonObject root, string path, List<FieldError> errors) =>
        Node(root, path, insideMeta: false, isResourceRoot: true, errors);

    private static void Node(JsonObject s, string path, bool insideMeta, bool isResourceRoot, List<FieldError> errors)
    {
        var embedded = isResourceRoot || Flag(s, "x-kubernetes-embedded-resource");
        if (embedded)
        {
            insideMeta = false;
        }
        if (s["default"] is { } value)
        {
            var defaultPath = Child(path, "default");
            if (!insideMeta && HasUnknownFields(value, s, embedded))
            {
                errors.Add(InvalidValue(defaultPath, value, "must not have unknown fields"));
            }
            errors.AddRange(ValidateValue(value, s, defaultPath));
        }
        if (s["items"] is JsonObject items)
        {
            Node(items, Child(path, "items"), insideMeta, false, errors);
        }
        foreach (var (key, property) in Properties(s))
        {
            Node(property, Key(path, "properties", key), insideMeta || embedded && MetaFields.Contains(key), false, errors);
        }
    }

    /// <summary>
    /// Validates a value against one schema node with <see cref="SchemaValidator"/>, by wrapping both in an object
    /// with a single field named "default" and re-rooting the error paths at <paramref name="defaultPath"/>.
    /// </summary>
    private static IEnumerable<FieldError> ValidateValue(JsonNode value, JsonObject schema, string defaultPath)
    {
        var wrapper = new JsonObject { ["default"] = value.DeepClone() };
        var wrapperSchema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject { ["default"] = schema.DeepClone() },
        };
        var prefix = defaultPath[..^"default".Length];
        return SchemaValidator.ValidateRoot(wrapper, wrapperSchema).Select(e => e with { Field = prefix + e.Field });
    }

    /// <summary>What the server's pruning would drop from the value: fields neither properties nor additionalProperties specify.</summary>
    private static bool HasUnknownFields(JsonNode? value, JsonObject? s, bool embedded) =>
        Walk(value, s, embedded, preserve: s is not null && Flag(s, "x-kubernetes-preserve-unknown-fields"));

    /// <summary>
    /// With <paramref name="preserve"/> (x-kubernetes-preserve-unknown-fields here or above in the same array) unknown
    /// fields stay, but the fields the schema does specify are still pruned below.
    /// </summary>
    private static bool Walk(JsonNode? value, JsonObject? s, bool embedded, bool preserve)
    {
        switch (value)
        {
            case JsonObject obj:
                if (s is null)
                {
                    return obj.Count > 0;
                }
                foreach (var (key, child) in obj)
                {
                    if (embedded && MetaFields.Contains(key))
                    {
                        continue;
                    }
                    JsonObject? childSchema;
                    if (Property(s, key) is { } property)
                    {
                        childSchema = property;
                    }
                    else if (s["additionalProperties"] is { } additional)
                    {
                        childSchema = additional as JsonObject;
                    }
                    else if (preserve)
                    {
                        continue;
                    }
                    else
                    {
                        return true;
                    }
                    if (HasUnknownFields(child, childSchema, IsEmbedded(childSchema)))
                    {
                        return true;
                    }
                }
                return false;
            case JsonArray array:
                var items = s?["items"] as JsonObject;
                if (preserve)
                {
                    return items is not null && array.Any(item => Walk(item, items, IsEmbedded(items), preserve: true));
                }
                return array.Any(item => HasUnknownFields(item, items, IsEmbedded(items)));
            default:
                return false;
        }
    }

    private static bool IsEmbedded(JsonObject? s) => s is not null && Flag(s, "x-kubernetes-embedded-resource");
}
