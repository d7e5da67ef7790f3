using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;
using ServerPower.Api.Serialization;

namespace ServerPower.Api.Tests.Support;

/// <summary>
/// Compares a C# resource type with a CRD's structural schema, field by field and in both directions: JSON names
/// (from [JsonPropertyName]), JSON types, enum values (as ApiJson writes them), required fields (never nullable in
/// C#) and scalar defaults (equal to the C# initial value). Each difference is reported with its field path.
/// </summary>
public sealed class SchemaTypeComparer
{
    private readonly NullabilityInfoContext nullability = new();
    private readonly List<string> differences = [];

    public static IReadOnlyList<string> Compare(Type type, JsonObject schema, string path)
    {
        var comparer = new SchemaTypeComparer();
        comparer.CompareValue(type, schema, path);
        return comparer.differences;
    }

    private void CompareValue(Type type, JsonObject schema, string path)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var expected = JsonType(type);
        var actual = (string?)schema["type"];
        if (expected != actual)
        {
            differences.Add($"{path}: C# {type.Name} is JSON {expected}, the CRD says {actual ?? "(no type)"}");
            return;
        }
        CompareEnum(type, schema, path);
        if (type == typeof(DateTimeOffset) && (string?)schema["format"] != "date-time")
            differences.Add($"{path}: C# DateTimeOffset needs format date-time in the CRD");
        if (type == typeof(int) && (string?)schema["format"] == "int64")
            differences.Add($"{path}: the CRD allows int64 but C# holds an int");
        if (expected == "array")
        {
            if (schema["items"] is JsonObject items) CompareValue(ElementType(type), items, path + "[]");
            else differences.Add($"{path}: the CRD's array has no items schema");
        }
        else if (expected == "object" && type != typeof(V1ObjectMeta))
        {
            CompareObject(type, schema, path);
        }
    }

    private void CompareEnum(Type type, JsonObject schema, string path)
    {
        var schemaValues = (schema["enum"] as JsonArray)?.Select(v => v!.ToJsonString()).ToHashSet();
        if (!type.IsEnum)
        {
            // A string may be narrowed by an enum in the schema (Condition.status), nothing else may.
            if (schemaValues is not null && type != typeof(string))
                differences.Add($"{path}: the CRD has an enum but C# {type.Name} is not an enum");
            return;
        }
        if (schemaValues is null)
        {
            differences.Add($"{path}: C# enum {type.Name} has no enum in the CRD");
            return;
        }
        var csharpValues = Enum.GetValues(type).Cast<object>().Select(v => JsonSerializer.Serialize(v, type, ApiJson.Options)).ToHashSet();
        foreach (var missing in csharpValues.Except(schemaValues))
            differences.Add($"{path}: C# {type.Name} value {missing} is missing from the CRD enum");
        foreach (var missing in schemaValues.Except(csharpValues))
            differences.Add($"{path}: CRD enum value {missing} is missing from C# {type.Name}");
    }

    private void CompareObject(Type type, JsonObject schema, string path)
    {
        var schemaFields = schema["properties"] as JsonObject ?? [];
        var properties = new Dictionary<string, PropertyInfo>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is not null) continue;
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
            if (name is null)
            {
                differences.Add($"{path}: C# {type.Name}.{property.Name} has no [JsonPropertyName]");
                continue;
            }
            properties[name] = property;
        }

        foreach (var (name, property) in properties)
        {
            if (schemaFields[name] is JsonObject field) CompareValue(property.PropertyType, field, $"{path}.{name}");
            else differences.Add($"{path}.{name}: C# {type.Name}.{property.Name} has no field in the CRD");
        }
        foreach (var (name, _) in schemaFields)
        {
            if (!properties.ContainsKey(name)) differences.Add($"{path}.{name}: the CRD has a field that C# {type.Name} lacks");
        }

        foreach (var required in (schema["required"] as JsonArray ?? []).Select(r => (string)r!))
        {
            if (properties.TryGetValue(required, out var property) && IsNullable(property))
                differences.Add($"{path}.{required}: required by the CRD but nullable in C# {type.Name}.{property.Name}");
        }
        CompareDefaults(type, properties, schemaFields, path);
    }

    private void CompareDefaults(Type type, Dictionary<string, PropertyInfo> properties, JsonObject schemaFields, string path)
    {
        var withDefaults = properties.Where(p => schemaFields[p.Key]?["default"] is JsonValue).ToList();
        if (withDefaults.Count == 0) return;
        if (type.GetConstructor(Type.EmptyTypes) is null)
        {
            differences.Add($"{path}: C# {type.Name} has no parameterless constructor to read its defaults from");
            return;
        }
        var instance = Activator.CreateInstance(type);
        foreach (var (name, property) in withDefaults)
        {
            var crdDefault = schemaFields[name]!["default"]!.ToJsonString();
            var csharpDefault = JsonSerializer.Serialize(property.GetValue(instance), property.PropertyType, ApiJson.Options);
            if (crdDefault != csharpDefault)
                differences.Add($"{path}.{name}: the CRD defaults to {crdDefault}, C# {type.Name}.{property.Name} to {csharpDefault}");
        }
    }

    private bool IsNullable(PropertyInfo property) =>
        Nullable.GetUnderlyingType(property.PropertyType) is not null
        || !property.PropertyType.IsValueType && nullability.Create(property).ReadState == NullabilityState.Nullable;

    private static string JsonType(Type type) => type switch
    {
        _ when type == typeof(string) || type.IsEnum || type == typeof(DateTimeOffset) || type == typeof(DateTime) => "string",
        _ when type == typeof(bool) => "boolean",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(uint) => "integer",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "number",
        _ when typeof(IEnumerable).IsAssignableFrom(type) => "array",
        _ => "object",
    };

    private static Type ElementType(Type type) =>
        type.IsArray ? type.GetElementType()!
        : type.GetInterfaces().Append(type)
            .First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            .GetGenericArguments()[0];
}
