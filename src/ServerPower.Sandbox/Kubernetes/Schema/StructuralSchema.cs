using System.Text.Json.Nodes;
using ServerPower.Sandbox.Kubernetes.Api;
using static ServerPower.Sandbox.Kubernetes.Schema.StructuralSchemaNode;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>
/// The schema part of kube-apiserver's CRD admission: every version needs an openAPIV3Schema, and each schema must
/// be structural (<see cref="StructuralSchemaInvariants"/>, <see cref="StructuralSchemaCompleteness"/>), have
/// defaults that validate and survive pruning (<see cref="StructuralSchemaDefaults"/>) and follow the OpenAPI
/// rules for CRDs (<see cref="StructuralSchemaOpenApi"/>). Errors carry the server's field paths: when all versions
/// share one schema the server stores it once as spec.validation and reports
/// <c>spec.validation.openAPIV3Schema...</c>, otherwise <c>spec.versions[i].schema.openAPIV3Schema...</c>.
/// </summary>
public static class StructuralSchema
{
    private static readonly string[] AllowedAtRootWithStatus =
    [
        "description", "type", "format", "title", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
        "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "multipleOf", "required", "items",
        "properties", "externalDocs", "example", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-validations",
    ];

    private const string AllowedAtRootWithStatusGoNames =
        "[Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern " +
        "MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations]";

    /// <summary>The schema keywords in the field order of the server's JSONSchemaProps.</summary>
    private static readonly string[] KeywordOrder =
    [
        "id", "$schema", "$ref", "description", "type", "nullable", "format", "title", "default", "maximum",
        "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
        "uniqueItems", "multipleOf", "enum", "maxProperties", "minProperties", "required", "items", "allOf", "oneOf",
        "anyOf", "not", "properties", "additionalProperties", "patternProperties", "dependencies", "additionalItems",
        "definitions", "externalDocs", "example", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource",
        "x-kubernetes-int-or-string", "x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-map-type",
        "x-kubernetes-validations",
    ];

    /// <summary>The schema errors of a CRD's spec (empty when the server would accept its schemas).</summary>
    public static List<FieldError> Check(JsonObject? spec)
    {
        var errors = new List<FieldError>();
        if (spec is null)
        {
            return errors;
        }
        if (Flag(spec, "preserveUnknownFields"))
        {
            errors.Add(FieldError.Invalid("spec.preserveUnknownFields", true,
                "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"));
        }
        var versions = (spec["versions"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        if (versions.Count == 0)
        {
            return errors;
        }
        var shared = versions[0]["schema"];
        if (versions.All(v => JsonNode.DeepEquals(v["schema"], shared)))
        {
            if (shared?["openAPIV3Schema"] is JsonObject schema)
            {
                CheckSchema(schema, "spec.validation", versions.Any(StatusEnabled), errors);
                return errors;
            }
        }
        for (var i = 0; i < versions.Count; i++)
        {
            if (versions[i]["schema"]?["openAPIV3Schema"] is JsonObject schema)
            {
                CheckSchema(schema, $"spec.versions[{i}].schema", StatusEnabled(versions[i]), errors);
            }
            else
            {
                errors.Add(FieldError.Required($"spec.versions[{i}].schema.openAPIV3Schema"));
            }
        }
        return errors;
    }

    private static bool StatusEnabled(JsonObject version) => version["subresources"]?["status"] is not null;

    private static void CheckSchema(JsonObject schema, string validationPath, bool statusEnabled, List<FieldError> errors)
    {
        var path = Child(validationPath, "openAPIV3Schema");
        var own = new List<FieldError>();
        if (statusEnabled)
        {
            RootWithStatus(schema, path, own);
        }
        if (Flag(schema, "nullable"))
        {
            own.Add(FieldError.Forbidden(Child(path, "nullable"), "nullable cannot be true at the root"));
        }
        var unsupported = Unsupported(schema);
        if (unsupported is null)
        {
            var structural = new List<FieldError>();
            StructuralSchemaInvariants.Check(schema, path, structural);
            StructuralSchemaCompleteness.Check(schema, path, structural);
            structural.Sort((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));
            own.AddRange(structural);
            if (structural.Count == 0)
            {
                StructuralSchemaDefaults.Check(schema, path, own);
            }
        }
        StructuralSchemaOpenApi.Check(schema, path, own);
        if (own.Count == 0 && unsupported is not null)
        {
            // The server reports why it could not read the schema as structural only when nothing else is wrong.
            own.Add(FieldError.Invalid(path, "", unsupported));
        }
        errors.AddRange(own);
    }

    /// <summary>With a status subresource, status is cut out of the root schema, so the root may only hold keywords that survive that.</summary>
    private static void RootWithStatus(JsonObject schema, string path, List<FieldError> errors)
    {
        foreach (var keyword in KeywordOrder.Where(k => IsSet(schema[k])))
        {
            if (keyword == "type")
            {
                if (Type(schema) != "object")
                {
                    errors.Add(FieldError.Invalid(Child(path, "type"), Type(schema),
                        "only \"object\" is allowed as the type at the root of the schema if the status subresource is enabled"));
                    return;
                }
                continue;
            }
            if (!AllowedAtRootWithStatus.Contains(keyword))
            {
                errors.Add(FieldError.Invalid(path, schema,
                    $"only {AllowedAtRootWithStatusGoNames} fields are allowed at the root of the schema if the status subresource is enabled"));
                return;
            }
        }
    }

    /// <summary>Why the server cannot turn the schema into a structural one at all (keywords it does not support), or null.</summary>
    private static string? Unsupported(JsonObject s)
    {
        foreach (var (keyword, name) in new[]
                 {
                     ("id", "id"), ("$schema", "schema"), ("$ref", "$ref"), ("patternProperties", "patternProperties"),
                     ("dependencies", "dependencies"), ("additionalItems", "additionalItems"), ("definitions", "definitions"),
                 })
        {
            if (IsSet(s[keyword]) && !(s[keyword] is JsonObject { Count: 0 }))
            {
                return $"OpenAPIV3Schema '{name}' is not supported";
            }
        }
        var junctors = new List<JsonObject>();
        if (s["not"] is JsonObject not)
        {
            junctors.Add(not);
        }
        foreach (var junctor in new[] { "allOf", "anyOf", "oneOf" })
        {
            junctors.AddRange(Clauses(s, junctor).Select(c => c.Schema));
        }
        if (junctors.Select(Unsupported).FirstOrDefault(u => u is not null) is { } inJunctor)
        {
            return inJunctor;
        }
        if (s["x-kubernetes-preserve-unknown-fields"] is JsonValue && !Flag(s, "x-kubernetes-preserve-unknown-fields"))
        {
            return "internal error: 'x-kubernetes-preserve-unknown-fields' must be true or undefined";
        }
        var children = new List<JsonObject>();
        switch (s["items"])
        {
            case JsonArray { Count: > 0 }:
                return "OpenAPIV3Schema 'items' must be a schema, but is an array";
            case JsonObject items:
                children.Add(items);
                break;
        }
        children.AddRange(Properties(s).Select(p => p.Schema));
        if (s["additionalProperties"] is JsonObject additional)
        {
            children.Add(additional);
        }
        return children.Select(Unsupported).FirstOrDefault(u => u is not null);
    }
}
