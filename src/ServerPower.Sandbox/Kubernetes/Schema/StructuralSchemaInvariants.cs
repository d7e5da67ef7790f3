using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ServerPower.Sandbox.Kubernetes.Api;
using static ServerPower.Sandbox.Kubernetes.Schema.StructuralSchemaNode;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>
/// The invariants of a structural schema, as apiextensions-apiserver's ValidateStructural checks them: a type on
/// every specified node, items on arrays, no additionalProperties at the root, root metadata restricting only
/// name and generateName, apiVersion/kind strings, x-kubernetes-embedded-resource and x-kubernetes-int-or-string
/// combinations, and value validations (allOf/anyOf/oneOf/not) that carry no type, description, default or
/// Kubernetes extension.
/// </summary>
internal static class StructuralSchemaInvariants
{
    private enum Level { Root, Item, Field }

    public static void Check(JsonObject s, string path, List<FieldError> errors) => Node(s, Level.Root, path, errors);

    private static void Node(JsonObject s, Level level, string path, List<FieldError> errors)
    {
        var type = Type(s);
        var items = s["items"] as JsonObject;
        if (type == "array" && s["items"] is null)
        {
            errors.Add(Required(Child(path, "items"), "must be specified"));
        }
        if (items is not null)
        {
            Node(items, Level.Item, Child(path, "items"), errors);
        }
        foreach (var (key, property) in Properties(s))
        {
            Node(property, Level.Field, Key(path, "properties", key), errors);
        }
        var additional = s["additionalProperties"];
        if (additional is not null)
        {
            if (level == Level.Root)
            {
                errors.Add(FieldError.Forbidden(Child(path, "additionalProperties"), "must not be used at the root"));
            }
            if (additional is JsonObject additionalSchema)
            {
                Node(additionalSchema, Level.Field, Child(path, "additionalProperties"), errors);
            }
        }

        var intOrString = Flag(s, "x-kubernetes-int-or-string");
        var preserve = Flag(s, "x-kubernetes-preserve-unknown-fields");
        var embedded = Flag(s, "x-kubernetes-embedded-resource");
        if (intOrString && preserve)
        {
            errors.Add(FieldError.Invalid(Child(path, "x-kubernetes-preserve-unknown-fields"), true, "must be false if x-kubernetes-int-or-string is true"));
        }
        if (intOrString && embedded)
        {
            errors.Add(FieldError.Invalid(Child(path, "x-kubernetes-embedded-resource"), true, "must be false if x-kubernetes-int-or-string is true"));
        }

        ValueValidation(s, IsIntOrStringAnyOf(s), IsIntOrStringAllOf(s), level, path, errors);

        var checkMetadata = level == Level.Root || embedded;
        if (embedded && type != "object")
        {
            errors.Add(type.Length == 0
                ? Required(Child(path, "type"), "must be object if x-kubernetes-embedded-resource is true")
                : FieldError.Invalid(Child(path, "type"), type, "must be object if x-kubernetes-embedded-resource is true"));
        }
        else if (type.Length == 0 && !intOrString && !preserve)
        {
            errors.Add(Required(Child(path, "type"), level switch
            {
                Level.Root => "must not be empty at the root",
                Level.Item => "must not be empty for specified array items",
                _ => "must not be empty for specified object fields",
            }));
        }
        if (embedded && additional is not null)
        {
            errors.Add(FieldError.Forbidden(Child(path, "additionalProperties"), "must not be used if x-kubernetes-embedded-resource is set"));
        }
        if (level == Level.Root && type.Length > 0 && type != "object")
        {
            errors.Add(FieldError.Invalid(Child(path, "type"), type, "must be object at the root"));
        }
        foreach (var typeMeta in new[] { "kind", "apiVersion" })
        {
            if (checkMetadata && Property(s, typeMeta) is { } p && Type(p) != "string")
            {
                errors.Add(FieldError.Invalid(Child(Key(path, "properties", typeMeta), "type"), Type(p), "must be string"));
            }
        }
        if (Property(s, "metadata") is { } metadata)
        {
            Metadata(metadata, checkMetadata, level, Key(path, "properties", "metadata"), errors);
        }
        if (embedded && !preserve && !HasProperties(s))
        {
            errors.Add(Required(Child(path, "properties"), "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"));
        }
    }

    /// <summary>
    /// Metadata is the server's ObjectMeta: a schema may say it is an object and restrict name and generateName at
    /// the root, nothing else (a description counts). A default there is refused by the OpenAPI checks instead.
    /// </summary>
    private static void Metadata(JsonObject s, bool checkMetadata, Level level, string path, List<FieldError> errors)
    {
        if (checkMetadata && Type(s) != "object")
        {
            errors.Add(FieldError.Invalid(Child(path, "type"), Type(s), "must be object"));
        }
        if (level != Level.Root)
        {
            return;
        }
        var onlyNames = s.All(kv => !IsSet(kv.Value) || kv.Key is "type" or "default" ||
            kv.Key == "properties" && kv.Value is JsonObject p && p.All(n => n.Key is "name" or "generateName"));
        if (!onlyNames)
        {
            errors.Add(FieldError.Forbidden(path, "must not specify anything other than name and generateName, but metadata is implicitly specified"));
        }
    }

    /// <summary>anyOf: [{type: integer}, {type: string}], the one place a value validation may name types.</summary>
    private static bool IsIntOrStringAnyOf(JsonObject s) => IsIntOrStringPair(s["anyOf"]);

    private static bool IsIntOrStringAllOf(JsonObject s) =>
        s["allOf"] is JsonArray { Count: >= 1 } allOf && allOf[0] is JsonObject first && IsIntOrStringPair(first["anyOf"]);

    private static bool IsIntOrStringPair(JsonNode? anyOf) =>
        anyOf is JsonArray { Count: 2 } a && OnlyType(a[0], "integer") && OnlyType(a[1], "string");

    private static bool OnlyType(JsonNode? clause, string type) =>
        clause is JsonObject o && Type(o) == type && o.All(kv => kv.Key == "type" || !IsSet(kv.Value));

    private static void ValueValidation(JsonObject v, bool skipAnyOf, bool skipFirstAllOfAnyOf, Level level, string path, List<FieldError> errors)
    {
        if (!skipAnyOf)
        {
            foreach (var (i, clause) in Clauses(v, "anyOf"))
            {
                Nested(clause, false, level, Index(path, "anyOf", i), errors);
            }
        }
        foreach (var (i, clause) in Clauses(v, "allOf"))
        {
            Nested(clause, skipFirstAllOfAnyOf && i == 0, level, Index(path, "allOf", i), errors);
        }
        foreach (var (i, clause) in Clauses(v, "oneOf"))
        {
            Nested(clause, false, level, Index(path, "oneOf", i), errors);
        }
        if (v["not"] is JsonObject not)
        {
            Nested(not, false, level, Child(path, "not"), errors);
        }
        if (Text(v, "pattern") is { Length: > 0 } pattern && PatternError(pattern) is { } why)
        {
            errors.Add(FieldError.Invalid(Child(path, "pattern"), pattern, $"must be a valid regular expression, but isn't: {why}"));
        }
    }

    /// <summary>A value validation under a logical junctor: it may only restrict values the structural part specifies.</summary>
    private static void Nested(JsonObject v, bool skipAnyOf, Level level, string path, List<FieldError> errors)
    {
        ValueValidation(v, skipAnyOf, false, level, path, errors);
        if (v["items"] is JsonObject items)
        {
            Nested(items, false, level, Child(path, "items"), errors);
        }
        foreach (var (key, property) in Properties(v))
        {
            Nested(property, false, Level.Field, Key(path, "properties", key), errors);
        }
        if (Type(v).Length > 0)
        {
            errors.Add(FieldError.Forbidden(Child(path, "type"), "must be empty to be structural"));
        }
        if (v["additionalProperties"] is JsonObject || Flag(v, "additionalProperties"))
        {
            errors.Add(FieldError.Forbidden(Child(path, "additionalProperties"), "must be undefined to be structural"));
        }
        if (v["default"] is not null)
        {
            errors.Add(FieldError.Forbidden(Child(path, "default"), "must be undefined to be structural"));
        }
        if (IsSet(v["title"]))
        {
            errors.Add(FieldError.Forbidden(Child(path, "title"), "must be empty to be structural"));
        }
        if (IsSet(v["description"]))
        {
            errors.Add(FieldError.Forbidden(Child(path, "description"), "must be empty to be structural"));
        }
        foreach (var flag in new[] { "nullable", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string" })
        {
            if (Flag(v, flag))
            {
                errors.Add(FieldError.Forbidden(Child(path, flag), "must be false to be structural"));
            }
        }
        if (IsSet(v["x-kubernetes-list-map-keys"]))
        {
            errors.Add(FieldError.Forbidden(Child(path, "x-kubernetes-list-map-keys"), "must be empty to be structural"));
        }
        foreach (var extension in new[] { "x-kubernetes-list-type", "x-kubernetes-map-type" })
        {
            if (v[extension] is not null)
            {
                errors.Add(FieldError.Forbidden(Child(path, extension), "must be undefined to be structural"));
            }
        }
        if (IsSet(v["x-kubernetes-validations"]))
        {
            errors.Add(FieldError.Forbidden(Child(path, "x-kubernetes-validations"), "must be empty to be structural"));
        }
        if (Property(v, "metadata") is not null)
        {
            errors.Add(FieldError.Forbidden(Key(path, "properties", "metadata"), "must not be specified in a nested context"));
        }
    }

    /// <summary>
    /// The server compiles patterns with Go's RE2, which has no lookaround and no backreferences; other syntax errors
    /// are found by compiling with .NET (its wording, not Go's).
    /// </summary>
    private static string? PatternError(string pattern)
    {
        foreach (var perl in new[] { "(?=", "(?!", "(?<=", "(?<!" })
        {
            if (pattern.Contains(perl, StringComparison.Ordinal))
            {
                return $"error parsing regexp: invalid or unsupported Perl syntax: `{perl}`";
            }
        }
        if (Regex.Match(pattern, @"(?<!\\)(?:\\\\)*\\([1-9])") is { Success: true } backreference)
        {
            return $"error parsing regexp: invalid escape sequence: `\\{backreference.Groups[1].Value}`";
        }
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return null;
        }
        catch (ArgumentException e)
        {
            return $"error parsing regexp: {e.Message}";
        }
    }
}
