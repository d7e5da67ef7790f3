using System.Text.Json;
using System.Text.Json.Nodes;
using ServerPower.Sandbox.Kubernetes.Api;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>
/// Reading one node of an openAPIV3Schema as kube-apiserver's typed JSONSchemaProps sees it (a false, an empty
/// string or an empty list is "not set"), field paths in apimachinery's notation and the error texts the
/// CRD schema checks need beyond <see cref="FieldError"/>.
/// </summary>
internal static class StructuralSchemaNode
{
    public static readonly string[] MetaFields = ["metadata", "kind", "apiVersion"];

    public static string Type(JsonObject s) => Text(s, "type") ?? "";

    public static string? Text(JsonObject s, string key) =>
        s[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static bool Flag(JsonObject s, string key) =>
        s[key] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    /// <summary>Whether a keyword carries a value Go would not see as its zero value.</summary>
    public static bool IsSet(JsonNode? value) => value switch
    {
        null => false,
        JsonArray a => a.Count > 0,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.False or JsonValueKind.Null => false,
            JsonValueKind.String => v.GetValue<string>().Length > 0,
            _ => true,
        },
        _ => true,
    };

    public static IEnumerable<(string Key, JsonObject Schema)> Properties(JsonObject s) =>
        s["properties"] is JsonObject p
            ? p.Where(kv => kv.Value is JsonObject).Select(kv => (kv.Key, kv.Value!.AsObject()))
            : [];

    public static JsonObject? Property(JsonObject s, string key) => (s["properties"] as JsonObject)?[key] as JsonObject;

    public static bool HasProperties(JsonObject s) => s["properties"] is JsonObject { Count: > 0 };

    /// <summary>The schemas of allOf, anyOf or oneOf with their indexes.</summary>
    public static IEnumerable<(int Index, JsonObject Schema)> Clauses(JsonObject s, string key) =>
        s[key] is JsonArray a
            ? a.Select((n, i) => (i, n as JsonObject)).Where(c => c.Item2 is not null).Select(c => (c.i, c.Item2!))
            : [];

    public static List<string> Strings(JsonObject s, string key) =>
        s[key] is JsonArray a ? a.Select(n => n?.ToString() ?? "").ToList() : [];

    public static string Child(string path, string name) => $"{path}.{name}";

    public static string Key(string path, string name, string key) => $"{path}.{name}[{key}]";

    public static string Index(string path, string name, int index) => $"{path}.{name}[{index}]";

    public static FieldError Required(string field, string detail) =>
        new(field, "FieldValueRequired", $"Required value: {detail}");

    /// <summary>An Invalid error whose bad value is a Go string slice, printed with %#v as apimachinery does.</summary>
    public static FieldError InvalidList(string field, IEnumerable<string> values, string detail) =>
        new(field, "FieldValueInvalid",
            $"Invalid value: []string{{{string.Join(", ", values.Select(v => JsonSerializer.Serialize(v)))}}}: {detail}");

    /// <summary>An Invalid error for any JSON value: scalars as <see cref="FieldError"/> prints them, maps and lists with Go's %#v.</summary>
    public static FieldError InvalidValue(string field, JsonNode? value, string detail) => value is JsonObject or JsonArray
        ? new FieldError(field, "FieldValueInvalid", $"Invalid value: {GoSyntax(value)}: {detail}")
        : FieldError.Invalid(field, value, detail);

    private static string GoSyntax(JsonNode? value) => value switch
    {
        null => "interface {}(nil)",
        JsonObject o => "map[string]interface {}{" + string.Join(", ", o.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{JsonSerializer.Serialize(kv.Key)}:{GoSyntax(kv.Value)}")) + "}",
        JsonArray a => "[]interface {}{" + string.Join(", ", a.Select(GoSyntax)) + "}",
        _ => FieldError.Format(value),
    };

    public static FieldError NotSupported(string field, string value, params string[] supported) =>
        FieldError.NotSupported(field, JsonValue.Create(value), supported.Select(s => (JsonNode?)JsonValue.Create(s)));
}
