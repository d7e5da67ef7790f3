using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ServerPower.Sandbox.Kubernetes.Api;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>
/// Validates an object against a CRD's structural openAPIV3Schema with the texts kube-openapi and
/// apimachinery print: types, enum, required, pattern, minimum/maximum (exclusive too), min/maxLength,
/// min/maxItems, min/maxProperties, nullable, int-or-string. CEL rules (x-kubernetes-validations) are
/// evaluated afterwards by <see cref="CelValidator"/>.
/// </summary>
public static class SchemaValidator
{
    public static List<FieldError> ValidateRoot(JsonObject obj, JsonObject schema)
    {
        var errors = new List<FieldError>();
        if (schema["required"] is JsonArray required)
        {
            foreach (var r in required.Select(n => n?.ToString()).Where(n => n is not null && n is not ("metadata" or "apiVersion" or "kind")))
            {
                if (obj[r!] is null)
                {
                    errors.Add(FieldError.Required(r!));
                }
            }
        }
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (key, value) in obj)
            {
                if (key is "metadata" or "apiVersion" or "kind" || properties[key] is not JsonObject ps)
                {
                    continue;
                }
                Validate(value, ps, key, errors);
            }
        }
        return errors;
    }

    private static void Validate(JsonNode? value, JsonObject schema, string path, List<FieldError> errors)
    {
        if (value is null)
        {
            if (!SchemaPruner.IsNullable(schema) && schema["type"] is not null)
            {
                errors.Add(FieldError.TypeInvalid(path, "null", $"{path} in body must be of type {schema["type"]}: \"null\""));
            }
            return;
        }
        var intOrString = schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true;
        if (intOrString)
        {
            var t = JsonKinds.TypeName(value);
            if (t is not ("integer" or "string"))
            {
                errors.Add(FieldError.TypeInvalid(path, t, $"{path} in body must be of type integer,string: \"{t}\""));
                return;
            }
        }
        else if (schema["type"]?.ToString() is { } type && !JsonKinds.Matches(type, value))
        {
            var t = JsonKinds.TypeName(value);
            errors.Add(FieldError.TypeInvalid(path, t, $"{path} in body must be of type {type}: \"{t}\""));
            return;
        }
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            errors.Add(FieldError.NotSupported(path, value, allowed));
        }
        switch (value)
        {
            case JsonValue v when JsonKinds.TypeName(v) == "string":
                ValidateString(v.GetValue<string>(), v, schema, path, errors);
                break;
            case JsonValue v when JsonKinds.TypeName(v) is "integer" or "number":
                ValidateNumber(v, schema, path, errors);
                break;
            case JsonArray array:
                ValidateArray(array, schema, path, errors);
                break;
            case JsonObject obj:
                ValidateObject(obj, schema, path, errors);
                break;
        }
    }

    private static void ValidateString(string s, JsonNode value, JsonObject schema, string path, List<FieldError> errors)
    {
        if (schema["maxLength"] is JsonValue max && s.Length > JsonKinds.Number(max))
        {
            errors.Add(FieldError.TooLong(path, (long)JsonKinds.Number(max)));
        }
        if (schema["minLength"] is JsonValue min && s.Length < JsonKinds.Number(min))
        {
            errors.Add(FieldError.Invalid(path, value, $"{path} in body should be at least {JsonKinds.Number(min)} chars long"));
        }
        if (schema["pattern"]?.ToString() is { } pattern && !Regex.IsMatch(s, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            errors.Add(FieldError.Invalid(path, value, $"{path} in body should match '{pattern}'"));
        }
        if (schema["format"]?.ToString() == "date-time" && !DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _))
        {
            errors.Add(FieldError.Invalid(path, value, $"{path} in body must be of type date-time: {FieldError.Format(value)}"));
        }
    }

    private static void ValidateNumber(JsonValue v, JsonObject schema, string path, List<FieldError> errors)
    {
        var n = JsonKinds.Number(v);
        var exclusiveMin = schema["exclusiveMinimum"]?.GetValue<bool>() == true;
        var exclusiveMax = schema["exclusiveMaximum"]?.GetValue<bool>() == true;
        if (schema["minimum"] is JsonValue min)
        {
            var m = JsonKinds.Number(min);
            if (exclusiveMin ? n <= m : n < m)
            {
                var words = exclusiveMin ? "greater than" : "greater than or equal to";
                errors.Add(FieldError.Invalid(path, v, $"{path} in body should be {words} {min.ToJsonString()}"));
            }
        }
        if (schema["maximum"] is JsonValue max)
        {
            var m = JsonKinds.Number(max);
            if (exclusiveMax ? n >= m : n > m)
            {
                var words = exclusiveMax ? "less than" : "less than or equal to";
                errors.Add(FieldError.Invalid(path, v, $"{path} in body should be {words} {max.ToJsonString()}"));
            }
        }
    }

    private static void ValidateArray(JsonArray array, JsonObject schema, string path, List<FieldError> errors)
    {
        if (schema["maxItems"] is JsonValue max && array.Count > JsonKinds.Number(max))
        {
            errors.Add(FieldError.TooMany(path, array.Count, (long)JsonKinds.Number(max)));
        }
        if (schema["minItems"] is JsonValue min && array.Count < JsonKinds.Number(min))
        {
            errors.Add(FieldError.Invalid(path, array.Count, $"{path} in body should have at least {min.ToJsonString()} items"));
        }
        if (schema["items"] is JsonObject items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Validate(array[i], items, $"{path}[{i}]", errors);
            }
        }
    }

    private static void ValidateObject(JsonObject obj, JsonObject schema, string path, List<FieldError> errors)
    {
        if (schema["required"] is JsonArray required)
        {
            foreach (var r in required.Select(n => n?.ToString()).Where(n => n is not null))
            {
                if (!obj.ContainsKey(r!))
                {
                    errors.Add(FieldError.Required($"{path}.{r}"));
                }
            }
        }
        if (schema["maxProperties"] is JsonValue maxP && obj.Count > JsonKinds.Number(maxP))
        {
            errors.Add(FieldError.TooMany(path, obj.Count, (long)JsonKinds.Number(maxP)));
        }
        if (schema["minProperties"] is JsonValue minP && obj.Count < JsonKinds.Number(minP))
        {
            errors.Add(FieldError.Invalid(path, obj.Count, $"{path} in body should have at least {minP.ToJsonString()} properties"));
        }
        var properties = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"] as JsonObject;
        foreach (var (key, child) in obj)
        {
            if (properties?[key] is JsonObject ps)
            {
                Validate(child, ps, $"{path}.{key}", errors);
            }
            else if (additional is not null)
            {
                Validate(child, additional, $"{path}.{key}", errors);
            }
        }
    }
}
