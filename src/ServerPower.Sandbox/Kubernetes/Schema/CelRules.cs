using System.Text;
using System.Text.Json.Nodes;
using ServerPower.Sandbox.Kubernetes.Api;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>
/// Compiles every x-kubernetes-validations rule of a schema. At CRD admission the errors refuse the CRD with
/// kube-apiserver's texts (<c>...x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{...}:
/// compilation failed: ERROR: ...</c>); for an admitted CRD the compiled tree is kept on its resource types.
/// </summary>
public static class CelRules
{
    private static readonly string[] Reasons = ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"];

    /// <summary>The errors that refuse a CRD because of its rules, over all versions.</summary>
    public static IEnumerable<FieldError> AdmissionErrors(JsonArray? versions) =>
        (versions ?? []).Select((v, i) => (Schema: v?["schema"]?["openAPIV3Schema"] as JsonObject, Index: i))
            .Where(v => v.Schema is not null)
            .SelectMany(v => Compile(v.Schema!, $"spec.versions[{v.Index}].schema.openAPIV3Schema").Errors);

    public static (CelRuleNode? Root, List<FieldError> Errors) Compile(JsonObject schema, string path)
    {
        var errors = new List<FieldError>();
        var root = Compile(schema, schema, path, uncorrelatable: null, errors);
        return (root, errors);
    }

    private static CelRuleNode? Compile(JsonObject schema, JsonObject root, string path, string? uncorrelatable, List<FieldError> errors)
    {
        var rules = new List<CelRule>();
        if (schema["x-kubernetes-validations"] is JsonArray entries)
        {
            for (var i = 0; i < entries.Count; i++)
            {
                if (entries[i] is JsonObject entry && CompileRule(entry, schema, root, $"{path}.x-kubernetes-validations[{i}]", uncorrelatable, errors) is { } rule)
                {
                    rules.Add(rule);
                }
            }
        }
        var properties = new Dictionary<string, CelRuleNode>();
        if (schema["properties"] is JsonObject declared)
        {
            foreach (var (name, child) in declared)
            {
                if (child is JsonObject childSchema && Compile(childSchema, root, $"{path}.properties[{name}]", uncorrelatable, errors) is { } node)
                {
                    properties[name] = node;
                }
            }
        }
        var mapKeys = schema["x-kubernetes-list-type"]?.ToString() == "map" && schema["x-kubernetes-list-map-keys"] is JsonArray keys
            ? keys.Select(k => k!.ToString()).ToList()
            : [];
        var itemsPath = $"{path}.items";
        var items = schema["items"] is JsonObject itemSchema
            ? Compile(itemSchema, root, itemsPath, uncorrelatable ?? (mapKeys.Count == 0 ? itemsPath : null), errors)
            : null;
        var additional = schema["additionalProperties"] is JsonObject valueSchema
            ? Compile(valueSchema, root, $"{path}.additionalProperties", uncorrelatable, errors)
            : null;
        return rules.Count > 0 || properties.Count > 0 || items is not null || additional is not null
            ? new CelRuleNode(schema, rules, properties, items, additional, mapKeys)
            : null;
    }

    private static CelRule? CompileRule(JsonObject entry, JsonObject schema, JsonObject root, string path, string? uncorrelatable, List<FieldError> errors)
    {
        var count = errors.Count;
        var text = entry["rule"]?.ToString() ?? "";
        var message = entry["message"]?.ToString();
        var messageExpression = entry["messageExpression"]?.ToString();
        var reason = entry["reason"]?.ToString();
        var fieldPath = entry["fieldPath"]?.ToString();
        CelProgram? program = null;
        if (text.Trim().Length == 0)
        {
            errors.Add(FieldError.Required($"{path}.rule"));
        }
        else
        {
            var compilation = CelCompiler.Compile(text, schema, root);
            program = compilation.Program;
            if (compilation.Error is { } error)
            {
                errors.Add(Invalid($"{path}.rule", entry, "compilation failed: " + error));
            }
            else if (program!.UsesOldSelf && uncorrelatable is not null)
            {
                errors.Add(FieldError.Invalid($"{path}.rule", text, $"oldSelf cannot be used on the uncorrelatable portion of the schema within {uncorrelatable}"));
            }
        }
        if (message is not null && message.Trim().Length == 0)
        {
            errors.Add(FieldError.Invalid($"{path}.message", message, "message must be non-empty if specified"));
        }
        else if (message is not null && message.Contains('\n'))
        {
            errors.Add(FieldError.Invalid($"{path}.message", message, "message must not contain line breaks"));
        }
        CelProgram? messageProgram = null;
        if (messageExpression is { Length: > 0 })
        {
            var compiled = CelCompiler.Compile(messageExpression, schema, root);
            messageProgram = compiled.Program;
            if (compiled.Error is { } error)
            {
                errors.Add(Invalid($"{path}.messageExpression", entry, "messageExpression compilation failed: " + error));
            }
        }
        if (reason is not null && !Reasons.Contains(reason))
        {
            errors.Add(FieldError.NotSupported($"{path}.reason", reason, Reasons.Select(r => (JsonNode?)JsonValue.Create(r))));
        }
        if (fieldPath is not null && Normalize(fieldPath, schema) is null)
        {
            errors.Add(FieldError.Invalid($"{path}.fieldPath", fieldPath, "fieldPath must be a valid path"));
        }
        if (entry["optionalOldSelf"]?.GetValue<bool>() == true)
        {
            errors.Add(FieldError.Invalid($"{path}.optionalOldSelf", true, "optionalOldSelf is not supported by the sandbox emulator"));
        }
        return errors.Count == count && program is not null
            ? new CelRule(text, message, program, messageProgram, reason, fieldPath is null ? null : Normalize(fieldPath, schema))
            : null;
    }

    /// <summary>
    /// A rule's fieldPath (<c>.a.b</c>, <c>['a.b']</c>) as a field path suffix (<c>a.b</c>, <c>[a.b]</c>), or
    /// null when it does not lead through the schema's properties and maps.
    /// </summary>
    public static string? Normalize(string fieldPath, JsonObject schema)
    {
        var result = new StringBuilder();
        var pos = 0;
        var current = schema;
        while (pos < fieldPath.Length)
        {
            string name;
            if (fieldPath[pos] == '.')
            {
                var end = fieldPath.IndexOfAny(['.', '['], pos + 1);
                end = end < 0 ? fieldPath.Length : end;
                name = fieldPath[(pos + 1)..end];
                pos = end;
            }
            else if (fieldPath.AsSpan(pos).StartsWith("['"))
            {
                var end = fieldPath.IndexOf("']", pos + 2, StringComparison.Ordinal);
                if (end < 0) return null;
                name = fieldPath[(pos + 2)..end];
                pos = end + 2;
            }
            else
            {
                return null;
            }
            if (name.Length == 0) return null;
            if (current["properties"]?[name] is JsonObject property)
            {
                result.Append(result.Length == 0 ? "" : ".").Append(name);
                current = property;
            }
            else if (current["additionalProperties"] is JsonObject map)
            {
                result.Append('[').Append(name).Append(']');
                current = map;
            }
            else
            {
                return null;
            }
        }
        return result.Length == 0 ? null : result.ToString();
    }

    /// <summary>field.Invalid with the rule printed as Go's %#v of apiextensions.ValidationRule.</summary>
    private static FieldError Invalid(string field, JsonObject entry, string detail)
    {
        static string Quote(string? s) => GoQuote(s ?? "");
        static string Pointer(string type, JsonNode? value) => value is null ? $"(*{type})(nil)" : $"(*{type})(0xc000010000)";
        var rule = $"apiextensions.ValidationRule{{Rule:{Quote(entry["rule"]?.ToString())}, Message:{Quote(entry["message"]?.ToString())}, " +
                   $"MessageExpression:{Quote(entry["messageExpression"]?.ToString())}, Reason:{Pointer("apiextensions.FieldValueErrorReason", entry["reason"])}, " +
                   $"FieldPath:{Quote(entry["fieldPath"]?.ToString())}, OptionalOldSelf:{Pointer("bool", entry["optionalOldSelf"])}}}";
        return new FieldError(field, "FieldValueInvalid", $"Invalid value: {rule}: {detail}");
    }

    /// <summary>Go's strconv.Quote for the characters rules use.</summary>
    private static string GoQuote(string s)
    {
        var b = new StringBuilder("\"");
        foreach (var c in s)
        {
            b.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }
        return b.Append('"').ToString();
    }
}
