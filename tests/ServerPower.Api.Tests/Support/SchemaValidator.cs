using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;

namespace ServerPower.Api.Tests.Support;

/// <summary>
/// Validates documents against a CRD's openAPIV3Schema with NJsonSchema. The structural schema is already JSON
/// Schema except for the x-kubernetes-* extensions, which are dropped (CEL rules are not evaluated here). Every
/// object with declared properties gets <c>additionalProperties: false</c>: the API server prunes unknown fields and
/// kubectl's default strict field validation rejects them, so a typo in a sample must fail here too.
/// </summary>
public sealed class SchemaValidator
{
    private readonly JsonSchema schema;

    private SchemaValidator(JsonSchema schema) => this.schema = schema;

    public static SchemaValidator For(Crd crd) => new(JsonSchema.FromJsonAsync(ToJsonSchema(crd.Schema).ToJsonString()).GetAwaiter().GetResult());

    /// <summary>The problems found, each as "path: kind"; empty when the document is valid.</summary>
    public IReadOnlyList<string> Validate(JsonObject document) =>
        Flatten(schema.Validate(document.ToJsonString())).ToList();

    public static JsonObject ToJsonSchema(JsonObject openApi)
    {
        var result = new JsonObject();
        foreach (var (key, value) in openApi)
        {
            if (key.StartsWith("x-kubernetes-", StringComparison.Ordinal)) continue;
            result[key] = key switch
            {
                "properties" => new JsonObject(value!.AsObject().Select(p => KeyValuePair.Create(p.Key, (JsonNode?)ToJsonSchema(p.Value!.AsObject())))),
                "items" => ToJsonSchema(value!.AsObject()),
                _ => value?.DeepClone(),
            };
        }
        if (result.ContainsKey("properties") && !result.ContainsKey("additionalProperties")) result["additionalProperties"] = false;
        return result;
    }

    private static IEnumerable<string> Flatten(IEnumerable<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            if (error is ChildSchemaValidationError child)
            {
                foreach (var nested in child.Errors.SelectMany(e => Flatten(e.Value))) yield return nested;
            }
            yield return $"{error.Path}: {error.Kind}";
        }
    }
}
