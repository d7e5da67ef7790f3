using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerPower.Sandbox.Kubernetes.Api;

/// <summary>One field validation error, printed like apimachinery's field.Error.</summary>
public sealed record FieldError(string Field, string Reason, string Body)
{
    public override string ToString() => $"{Field}: {Body}";

    public static FieldError Required(string field) => new(field, "FieldValueRequired", "Required value");

    public static FieldError NotSupported(string field, JsonNode? value, IEnumerable<JsonNode?> supported) =>
        new(field, "FieldValueNotSupported",
            $"Unsupported value: {Format(value)}: supported values: {string.Join(", ", supported.Select(Format))}");

    public static FieldError Invalid(string field, JsonNode? value, string detail) =>
        new(field, "FieldValueInvalid", $"Invalid value: {Format(value)}: {detail}");

    public static FieldError TypeInvalid(string field, string actualType, string detail) =>
        new(field, "FieldValueTypeInvalid", $"Invalid value: \"{actualType}\": {detail}");

    public static FieldError TooLong(string field, long max) =>
        new(field, "FieldValueTooLong", $"Too long: may not be more than {max} bytes");

    public static FieldError TooMany(string field, int actual, long max) =>
        new(field, "FieldValueTooMany", $"Too many: {actual}: must have at most {max} items");

    public static FieldError Forbidden(string field, string detail) =>
        new(field, "FieldValueForbidden", $"Forbidden: {detail}");

    /// <summary>Go's %q for strings, %v for numbers and booleans.</summary>
    public static string Format(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonSerializer.Serialize(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValueKind() == JsonValueKind.True ? "true" : "false",
        _ => value.ToJsonString(),
    };
}
