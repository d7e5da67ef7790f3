using System.Text.Json.Nodes;

namespace ServerPower.Sandbox.Kubernetes.Api;

/// <summary>Checks and completes CustomResourceDefinitions and derives the served resource types from them.</summary>
public static class CrdInstaller
{
    /// <summary>Validates the CRD, applies the server's defaults and sets status as an established CRD has it.</summary>
    public static void Admit(JsonObject crd, JsonObject? previous, string now)
    {
        var name = crd["metadata"]?["name"]?.ToString() ?? "";
        var spec = crd["spec"] as JsonObject;
        var errors = new List<FieldError>();
        var group = spec?["group"]?.ToString() ?? "";
        var names = spec?["names"] as JsonObject;
        var plural = names?["plural"]?.ToString() ?? "";
        var kind = names?["kind"]?.ToString() ?? "";
        if (group.Length == 0) errors.Add(FieldError.Required("spec.group"));
        if (plural.Length == 0) errors.Add(FieldError.Required("spec.names.plural"));
        if (kind.Length == 0) errors.Add(FieldError.Required("spec.names.kind"));
        if (name != $"{plural}.{group}")
        {
            errors.Add(FieldError.Invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
        }
        var scope = spec?["scope"]?.ToString();
        if (scope is not ("Namespaced" or "Cluster"))
        {
            errors.Add(FieldError.NotSupported("spec.scope", scope, [JsonValue.Create("Cluster"), JsonValue.Create("Namespaced")]));
        }
        var versions = spec?["versions"] as JsonArray;
        if (versions is null || versions.Count == 0)
        {
            errors.Add(FieldError.Required("spec.versions"));
        }
        else if (versions.Count(v => v?["storage"]?.GetValue<bool>() == true) != 1)
        {
            errors.Add(FieldError.Invalid("spec.versions", versions.Count, "must have exactly one version marked as storage version"));
        }
        errors.AddRange(Schema.StructuralSchema.Check(spec));
        errors.AddRange(Schema.CelRules.AdmissionErrors(versions));
        if (errors.Count > 0)
        {
            throw KubeStatus.Invalid(BuiltinResources.CustomResourceDefinitions, name, errors);
        }
        names!["singular"] ??= kind.ToLowerInvariant();
        names["listKind"] ??= kind + "List";
        spec!["conversion"] ??= new JsonObject { ["strategy"] = "None" };

        var stored = previous?["status"]?["storedVersions"] is JsonArray old
            ? old.Select(v => v!.ToString()).ToList()
            : new List<string>();
        var storage = versions!.First(v => v?["storage"]?.GetValue<bool>() == true)!["name"]!.ToString();
        if (!stored.Contains(storage)) stored.Add(storage);
        var since = previous?["status"]?["conditions"]?[0]?["lastTransitionTime"]?.ToString() ?? now;
        crd["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray
            {
                Condition("NamesAccepted", "NoConflicts", "no conflicts found", since),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted", since),
            },
            ["acceptedNames"] = names.DeepClone(),
            ["storedVersions"] = new JsonArray(stored.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
        };
    }

    private static JsonObject Condition(string type, string reason, string message, string time) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastTransitionTime"] = time,
        ["reason"] = reason,
        ["message"] = message,
    };

    /// <summary>One resource type per served version, in Kubernetes version priority order.</summary>
    public static IReadOnlyList<ResourceType> TypesOf(JsonObject crd)
    {
        var spec = crd["spec"]!.AsObject();
        var group = spec["group"]!.ToString();
        var names = spec["names"]!.AsObject();
        var kind = names["kind"]!.ToString();
        var served = spec["versions"]!.AsArray().OfType<JsonObject>()
            .Where(v => v["served"]?.GetValue<bool>() != false)
            .ToDictionary(v => v["name"]!.ToString());
        var multiVersion = served.Count > 1;
        return KubeVersionOrder.Sort(served.Keys).Select(version =>
        {
            var v = served[version];
            var schema = v["schema"]?["openAPIV3Schema"]?.DeepClone().AsObject();
            return new ResourceType
            {
                Group = group,
                Version = version,
                Plural = names["plural"]!.ToString(),
                Singular = names["singular"]?.ToString() ?? kind.ToLowerInvariant(),
                Kind = kind,
                Namespaced = spec["scope"]?.ToString() == "Namespaced",
                Behavior = ResourceBehavior.Custom,
                ShortNames = Strings(names["shortNames"]),
                Categories = Strings(names["categories"]),
                HasStatus = v["subresources"]?["status"] is not null,
                Schema = schema,
                Rules = schema is null ? null : Schema.CelRules.Compile(schema, "").Root,
                Columns = Columns(v["additionalPrinterColumns"]),
                OpenApiName = $"{string.Join('.', group.Split('.').Reverse())}.{version}.{kind}",
                MultiVersion = multiVersion,
            };
        }).ToList();
    }

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray a ? a.Select(n => n!.ToString()).ToList() : [];

    private static List<PrinterColumn> Columns(JsonNode? node) =>
        node is JsonArray a
            ? a.OfType<JsonObject>().Select(c => new PrinterColumn(
                c["name"]!.ToString(), c["type"]?.ToString() ?? "string", c["jsonPath"]!.ToString(),
                c["description"]?.ToString() ?? "", c["priority"] is JsonValue p ? (int)Schema.JsonKinds.Number(p) : 0,
                c["format"]?.ToString() ?? "")).ToList()
            : [new PrinterColumn("Age", "date", ".metadata.creationTimestamp")];
}
