using System.Text.Json.Nodes;
using ServerPower.Sandbox.Kubernetes.Api;
using static ServerPower.Sandbox.Kubernetes.Schema.StructuralSchemaNode;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>
/// The per-node OpenAPI rules kube-apiserver applies to a CRD schema besides structurality: known types only,
/// unsupported keywords, no defaults in the root's metadata/apiVersion/kind (nor in additionalProperties inside
/// object metadata), additionalProperties and properties mutually exclusive, no uniqueItems, and the
/// x-kubernetes-list-type / x-kubernetes-list-map-keys / x-kubernetes-map-type rules. x-kubernetes-validations
/// rules are not looked at here.
/// </summary>
internal static class StructuralSchemaOpenApi
{
    private static readonly string[] OpenApiTypes = ["array", "boolean", "integer", "number", "object", "string"];

    private sealed record Context(bool AllowDefaults, string DisallowReason, bool InsideResourceMeta)
    {
        public Context ForbidDefaults(string reason) => this with { AllowDefaults = false, DisallowReason = reason };
    }

    public static void Check(JsonObject root, string path, List<FieldError> errors) =>
        Node(root, path, new Context(true, "", false), isRoot: true, errors);

    private static void Node(JsonObject s, string path, Context ctx, bool isRoot, List<FieldError> errors)
    {
        Keywords(s, path, ctx, errors);
        if (Flag(s, "uniqueItems"))
        {
            errors.Add(FieldError.Forbidden(Child(path, "uniqueItems"), "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
        }
        // properties are for structs, additionalProperties for maps; both together contradict ignoring unknown fields.
        var additional = s["additionalProperties"];
        if (additional is not null)
        {
            if (HasProperties(s) && !Flag(s, "additionalProperties"))
            {
                errors.Add(FieldError.Forbidden(Child(path, "additionalProperties"), "additionalProperties and properties are mutual exclusive"));
            }
            if (additional is JsonObject additionalSchema)
            {
                var sub = ctx.InsideResourceMeta ? ctx.ForbidDefaults("inside additionalProperties applying to object metadata") : ctx;
                Node(additionalSchema, Child(path, "additionalProperties"), sub, false, errors);
            }
        }
        foreach (var (key, property) in Properties(s))
        {
            var sub = ctx;
            if ((isRoot || Flag(s, "x-kubernetes-embedded-resource")) && MetaFields.Contains(key))
            {
                sub = sub with { InsideResourceMeta = true };
                if (isRoot)
                {
                    sub = sub.ForbidDefaults($"in top-level {key}");
                }
            }
            Node(property, Key(path, "properties", key), sub, false, errors);
        }
        if (s["not"] is JsonObject not)
        {
            Node(not, Child(path, "not"), ctx, false, errors);
        }
        foreach (var junctor in new[] { "allOf", "oneOf", "anyOf" })
        {
            foreach (var (i, clause) in Clauses(s, junctor))
            {
                Node(clause, Index(path, junctor, i), ctx, false, errors);
            }
        }
        if (s["items"] is JsonObject items)
        {
            Node(items, Child(path, "items"), ctx, false, errors);
        }
        else if (s["items"] is JsonArray itemList)
        {
            for (var i = 0; i < itemList.Count; i++)
            {
                if (itemList[i] is JsonObject item)
                {
                    Node(item, $"{path}.items[{i}]", ctx, false, errors);
                }
            }
        }
        if (s["x-kubernetes-preserve-unknown-fields"] is JsonValue preserve && !Flag(s, "x-kubernetes-preserve-unknown-fields"))
        {
            errors.Add(FieldError.Invalid(Child(path, "x-kubernetes-preserve-unknown-fields"), preserve, "must be true or undefined"));
        }
        MapType(s, path, errors);
        ListType(s, path, errors);
    }

    private static void Keywords(JsonObject s, string path, Context ctx, List<FieldError> errors)
    {
        var type = Type(s);
        if (type.Length > 0 && !OpenApiTypes.Contains(type))
        {
            errors.Add(NotSupported(Child(path, "type"), type, OpenApiTypes));
        }
        if (s["default"] is not null && !ctx.AllowDefaults)
        {
            var detail = ctx.DisallowReason.Length > 0 ? $"must not be set {ctx.DisallowReason}" : "must not be set";
            errors.Add(FieldError.Forbidden(Child(path, "default"), detail));
        }
        if (IsSet(s["id"]))
        {
            errors.Add(FieldError.Forbidden(Child(path, "id"), "id is not supported"));
        }
        if (s["additionalItems"] is not null)
        {
            errors.Add(FieldError.Forbidden(Child(path, "additionalItems"), "additionalItems is not supported"));
        }
        if (s["patternProperties"] is JsonObject { Count: > 0 })
        {
            errors.Add(FieldError.Forbidden(Child(path, "patternProperties"), "patternProperties is not supported"));
        }
        if (s["definitions"] is JsonObject { Count: > 0 })
        {
            errors.Add(FieldError.Forbidden(Child(path, "definitions"), "definitions is not supported"));
        }
        if (s["dependencies"] is not null)
        {
            errors.Add(FieldError.Forbidden(Child(path, "dependencies"), "dependencies is not supported"));
        }
        if (s["$ref"] is not null)
        {
            errors.Add(FieldError.Forbidden(Child(path, "$ref"), "$ref is not supported"));
        }
        if (type == "null")
        {
            errors.Add(FieldError.Forbidden(Child(path, "type"), "type cannot be set to null, use nullable as an alternative"));
        }
        if (s["items"] is JsonArray { Count: > 0 })
        {
            errors.Add(FieldError.Forbidden(Child(path, "items"), "items must be a schema object and not an array"));
        }
        if (ctx.InsideResourceMeta && Flag(s, "x-kubernetes-embedded-resource"))
        {
            errors.Add(FieldError.Forbidden(Child(path, "x-kubernetes-embedded-resource"), "must not be used inside of resource meta"));
        }
    }

    private static void MapType(JsonObject s, string path, List<FieldError> errors)
    {
        if (s["x-kubernetes-map-type"] is null)
        {
            return;
        }
        var type = Type(s);
        if (type != "object")
        {
            errors.Add(type.Length == 0
                ? Required(Child(path, "type"), "must be object if x-kubernetes-map-type is specified")
                : FieldError.Invalid(Child(path, "type"), type, "must be object if x-kubernetes-map-type is specified"));
        }
        var mapType = Text(s, "x-kubernetes-map-type") ?? "";
        if (mapType is not ("atomic" or "granular"))
        {
            errors.Add(NotSupported(Child(path, "x-kubernetes-map-type"), mapType, "atomic", "granular"));
        }
    }

    private static void ListType(JsonObject s, string path, List<FieldError> errors)
    {
        var type = Type(s);
        var listType = s["x-kubernetes-list-type"] is null ? null : Text(s, "x-kubernetes-list-type") ?? "";
        var keys = Strings(s, "x-kubernetes-list-map-keys");
        var items = s["items"] as JsonObject;
        if (listType is not null && type != "array")
        {
            errors.Add(type.Length == 0
                ? Required(Child(path, "type"), "must be array if x-kubernetes-list-type is specified")
                : FieldError.Invalid(Child(path, "type"), type, "must be array if x-kubernetes-list-type is specified"));
        }
        else if (listType == "set" && items is not null)
        {
            // The identity of a set element is its whole value, so the element must be atomic.
            var itemType = Type(items);
            var itemListType = Text(items, "x-kubernetes-list-type");
            if (itemType == "array" && items["x-kubernetes-list-type"] is not null && itemListType != "atomic")
            {
                errors.Add(FieldError.Invalid(Child(path, "items.x-kubernetes-list-type"), itemListType, "must be atomic as item of a list with x-kubernetes-list-type=set"));
            }
            if (itemType == "object" && Text(items, "x-kubernetes-map-type") != "atomic")
            {
                errors.Add(FieldError.Invalid(Child(path, "items.x-kubernetes-map-type"), itemListType ?? "null", "must be atomic as item of a list with x-kubernetes-list-type=set"));
            }
        }
        if (listType is not (null or "atomic" or "set" or "map"))
        {
            errors.Add(NotSupported(Child(path, "x-kubernetes-list-type"), listType, "atomic", "set", "map"));
        }
        if (keys.Count > 0)
        {
            if (listType is null)
            {
                errors.Add(Required(Child(path, "x-kubernetes-list-type"), "must be map if x-kubernetes-list-map-keys is non-empty"));
            }
            else if (listType != "map")
            {
                errors.Add(FieldError.Invalid(Child(path, "x-kubernetes-list-type"), listType, "must be map if x-kubernetes-list-map-keys is non-empty"));
            }
        }
        if (listType == "map")
        {
            MapList(s, path, keys, items, errors);
        }
        if (listType is "set" or "map" && items is not null)
        {
            MapOrSetItems(path, listType, keys, items, errors);
        }
    }

    private static void MapList(JsonObject s, string path, List<string> keys, JsonObject? items, List<FieldError> errors)
    {
        if (keys.Count == 0)
        {
            errors.Add(Required(Child(path, "x-kubernetes-list-map-keys"), "must not be empty if x-kubernetes-list-type is map"));
        }
        if (s["items"] is null)
        {
            errors.Add(Required(Child(path, "items"), "must have a schema if x-kubernetes-list-type is map"));
        }
        else if (items is null)
        {
            errors.Add(FieldError.Invalid(Child(path, "items"), s["items"], "must only have a single schema if x-kubernetes-list-type is map"));
        }
        if (items is null)
        {
            return;
        }
        if (Type(items) != "object")
        {
            errors.Add(FieldError.Invalid(Child(path, "items.type"), Type(items), "must be object if parent array's x-kubernetes-list-type is map"));
            return;
        }
        var seen = new HashSet<string>();
        foreach (var key in keys)
        {
            if (Property(items, key) is { } keySchema)
            {
                if (Type(keySchema) is "array" or "object")
                {
                    errors.Add(FieldError.Invalid(Key(Child(path, "items"), "properties", key) + ".type", Type(items), "must be a scalar type if parent array's x-kubernetes-list-type is map"));
                }
            }
            else
            {
                errors.Add(InvalidList(Child(path, "x-kubernetes-list-map-keys"), keys, "entries must all be names of item properties"));
            }
            if (!seen.Add(key))
            {
                errors.Add(InvalidList(Child(path, "x-kubernetes-list-map-keys"), keys, "must not contain duplicate entries"));
            }
        }
    }

    /// <summary>Set and map list items are never null; map keys are never null and always present (required or defaulted).</summary>
    private static void MapOrSetItems(string path, string listType, List<string> keys, JsonObject items, List<FieldError> errors)
    {
        if (Flag(items, "nullable"))
        {
            errors.Add(FieldError.Forbidden(Child(path, "items.nullable"), $"cannot be nullable when x-kubernetes-list-type is {listType}"));
        }
        if (listType != "map")
        {
            return;
        }
        var required = Strings(items, "required").ToHashSet();
        foreach (var key in keys)
        {
            if (Property(items, key) is not { } keySchema)
            {
                continue;
            }
            var keyPath = Key(Child(path, "items"), "properties", key);
            if (!required.Contains(key) && keySchema["default"] is null)
            {
                errors.Add(Required(Child(keyPath, "default"), "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"));
            }
            if (Flag(keySchema, "nullable"))
            {
                errors.Add(FieldError.Forbidden(Child(keyPath, "nullable"), "this property is in x-kubernetes-list-map-keys, so it cannot be nullable"));
            }
        }
    }
}
