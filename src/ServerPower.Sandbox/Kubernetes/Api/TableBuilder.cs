using System.Globalization;
using System.Text.Json.Nodes;

namespace ServerPower.Sandbox.Kubernetes.Api;

/// <summary>Builds meta.k8s.io/v1 Tables (what kubectl get asks for) from printer columns.</summary>
public sealed class TableBuilder(TimeProvider time)
{
    private const string NameDescription =
        "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

    public static bool Wants(string? accept) =>
        accept is not null && accept.Contains("as=Table", StringComparison.Ordinal);

    public JsonObject Build(ResourceType type, IEnumerable<JsonObject> objects, string resourceVersion, string? continueToken, string? includeObject)
    {
        var columns = Columns(type);
        var definitions = new JsonArray { Definition("Name", "string", "name", NameDescription, 0) };
        foreach (var c in columns)
        {
            definitions.Add(Definition(c.Name, c.Type, c.Format == "raw" ? "" : c.Format, c.Description, c.Priority));
        }
        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            rows.Add(Row(obj, columns, includeObject));
        }
        var metadata = new JsonObject { ["resourceVersion"] = resourceVersion };
        if (!string.IsNullOrEmpty(continueToken))
        {
            metadata["continue"] = continueToken;
        }
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
            ["columnDefinitions"] = definitions,
            ["rows"] = rows,
        };
    }

    private static IReadOnlyList<PrinterColumn> Columns(ResourceType type) =>
        type.Columns.Count > 0 ? type.Columns : [new PrinterColumn("Age", "date", ".metadata.creationTimestamp")];

    private static JsonObject Definition(string name, string type, string format, string description, int priority) => new()
    {
        ["name"] = name,
        ["type"] = type,
        ["format"] = format,
        ["description"] = description,
        ["priority"] = priority,
    };

    private JsonObject Row(JsonObject obj, IReadOnlyList<PrinterColumn> columns, string? includeObject)
    {
        var cells = new JsonArray { obj["metadata"]?["name"]?.ToString() };
        foreach (var c in columns)
        {
            cells.Add(Cell(obj, c));
        }
        var row = new JsonObject { ["cells"] = cells };
        switch (includeObject)
        {
            case "None":
                break;
            case "Object":
                row["object"] = obj.DeepClone();
                break;
            default:
                row["object"] = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = obj["metadata"]?.DeepClone(),
                };
                break;
        }
        return row;
    }

    private JsonNode? Cell(JsonObject obj, PrinterColumn column)
    {
        if (column.JsonPath.StartsWith("#count:", StringComparison.Ordinal))
        {
            var target = SimpleJsonPath.Evaluate(obj, column.JsonPath[7..]);
            return target.Count > 0 && target[0] is JsonObject o ? o.Count : 0;
        }
        IReadOnlyList<JsonNode?> results;
        try
        {
            results = SimpleJsonPath.Evaluate(obj, column.JsonPath);
        }
        catch (FormatException)
        {
            return null;
        }
        if (results.Count == 0 || results[0] is null)
        {
            return null;
        }
        var value = results[0]!;
        return column.Type switch
        {
            "string" => value is JsonValue v ? v.ToString() : value.ToJsonString(),
            "date" when column.Format == "raw" => value.ToString(),
            "date" => DateTimeOffset.TryParse(value.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                ? HumanDuration.Format(time.GetUtcNow() - t)
                : "<unknown>",
            _ => value.DeepClone(),
        };
    }
}
