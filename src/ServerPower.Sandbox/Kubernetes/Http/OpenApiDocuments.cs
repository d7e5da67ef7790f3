using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerPower.Sandbox.Kubernetes.Api;

namespace ServerPower.Sandbox.Kubernetes.Http;

/// <summary>
/// OpenAPI v3 documents per group-version, built from the served types (CRD schemas for custom resources).
/// PATCH operations declare the fieldValidation parameter and x-kubernetes-group-version-kind, which is how
/// kubectl learns that the server validates fields itself (then it skips client-side validation, which
/// would need OpenAPI v2).
/// </summary>
public sealed class OpenApiDocuments(EmulatorState state)
{
    private const string ObjectMetaRef = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

    public JsonObject Root()
    {
        var paths = new JsonObject();
        foreach (var gv in state.Registry.All.Select(t => (t.Group, t.Version)).Distinct())
        {
            var key = gv.Group.Length == 0 ? $"api/{gv.Version}" : $"apis/{gv.Group}/{gv.Version}";
            var hash = Hash(GroupVersion(gv.Group, gv.Version)!);
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={hash}" };
        }
        return new JsonObject { ["paths"] = paths };
    }

    public static string Hash(JsonObject doc) =>
        Convert.ToHexString(SHA512.HashData(JsonSerializer.SerializeToUtf8Bytes(doc)));

    public JsonObject? GroupVersion(string group, string version)
    {
        var types = state.Registry.InGroupVersion(group, version);
        if (types.Count == 0)
        {
            return null;
        }
        var paths = new JsonObject();
        var schemas = new JsonObject
        {
            [ObjectMetaRef] = ObjectMetaSchema(),
            ["io.k8s.apimachinery.pkg.apis.meta.v1.Patch"] = new JsonObject
            {
                ["description"] = "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.",
                ["type"] = "object",
            },
        };
        foreach (var t in types)
        {
            var schemaName = t.OpenApiName ?? $"{t.Group}.{t.Version}.{t.Kind}";
            schemas[schemaName] = KindSchema(t);
            var prefix = t.Group.Length == 0 ? "/api/v1" : $"/apis/{t.Group}/{t.Version}";
            var collection = t.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{t.Plural}" : $"{prefix}/{t.Plural}";
            paths[collection] = new JsonObject
            {
                ["get"] = Operation(t, "list", schemaName, withBody: false),
                ["post"] = Operation(t, "post", schemaName, withBody: true),
            };
            paths[$"{collection}/{{name}}"] = new JsonObject
            {
                ["get"] = Operation(t, "get", schemaName, withBody: false),
                ["put"] = Operation(t, "put", schemaName, withBody: true),
                ["patch"] = Operation(t, "patch", schemaName, withBody: true),
                ["delete"] = Operation(t, "delete", schemaName, withBody: false),
            };
            if (t.HasStatus)
            {
                paths[$"{collection}/{{name}}/status"] = new JsonObject
                {
                    ["get"] = Operation(t, "get", schemaName, withBody: false),
                    ["put"] = Operation(t, "put", schemaName, withBody: true),
                    ["patch"] = Operation(t, "patch", schemaName, withBody: true),
                };
            }
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static JsonObject Gvk(ResourceType t) => new() { ["group"] = t.Group, ["kind"] = t.Kind, ["version"] = t.Version };

    private static JsonObject Operation(ResourceType t, string action, string schemaName, bool withBody)
    {
        var op = new JsonObject
        {
            ["description"] = $"{action} {t.Kind}",
            ["operationId"] = $"{action}{t.Kind}",
            ["parameters"] = new JsonArray(),
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["description"] = "OK",
                    ["content"] = new JsonObject
                    {
                        ["application/json"] = new JsonObject { ["schema"] = Ref(schemaName) },
                    },
                },
            },
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = Gvk(t),
        };
        if (withBody)
        {
            op["parameters"]!.AsArray().Add(new JsonObject
            {
                ["name"] = "fieldValidation",
                ["in"] = "query",
                ["description"] = "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: Ignore, Warn (the default) and Strict.",
                ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
            });
            var content = new JsonObject();
            var types = action == "patch"
                ? new[] { "application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml" }
                : new[] { "application/json" };
            foreach (var media in types)
            {
                content[media] = new JsonObject { ["schema"] = action == "patch" ? Ref("io.k8s.apimachinery.pkg.apis.meta.v1.Patch") : Ref(schemaName) };
            }
            op["requestBody"] = new JsonObject { ["content"] = content, ["required"] = true };
        }
        return op;
    }

    private static JsonObject Ref(string name) => new() { ["$ref"] = $"#/components/schemas/{name}" };

    private static JsonObject KindSchema(ResourceType t)
    {
        var schema = t.Schema?.DeepClone().AsObject() ?? new JsonObject
        {
            ["description"] = $"{t.Kind} (served by the sandbox emulator without a detailed schema).",
            ["type"] = "object",
            ["x-kubernetes-preserve-unknown-fields"] = true,
        };
        schema["type"] ??= "object";
        var properties = schema["properties"] as JsonObject ?? new JsonObject();
        properties["apiVersion"] = new JsonObject
        {
            ["description"] = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
            ["type"] = "string",
        };
        properties["kind"] = new JsonObject
        {
            ["description"] = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
            ["type"] = "string",
        };
        properties["metadata"] = new JsonObject
        {
            ["allOf"] = new JsonArray(Ref(ObjectMetaRef)),
            ["description"] = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
        };
        schema["properties"] = properties;
        schema["x-kubernetes-group-version-kind"] = new JsonArray(Gvk(t));
        return schema;
    }

    private static JsonObject ObjectMetaSchema()
    {
        static JsonObject S(string type, string description) => new() { ["type"] = type, ["description"] = description };
        var stringMap = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string", ["default"] = "" } };
        var labels = stringMap.DeepClone().AsObject();
        labels["description"] = "Map of string keys and values that can be used to organize and categorize (scope and select) objects.";
        var annotations = stringMap.DeepClone().AsObject();
        annotations["description"] = "Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.";
        return new JsonObject
        {
            ["description"] = "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["annotations"] = annotations,
                ["creationTimestamp"] = S("string", "CreationTimestamp is a timestamp representing the server time when this object was created."),
                ["deletionGracePeriodSeconds"] = S("integer", "Number of seconds allowed for this object to gracefully terminate before it will be removed from the system."),
                ["deletionTimestamp"] = S("string", "DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted."),
                ["finalizers"] = new JsonObject
                {
                    ["type"] = "array",
                    ["description"] = "Must be empty before the object is deleted from the registry.",
                    ["items"] = new JsonObject { ["type"] = "string", ["default"] = "" },
                },
                ["generateName"] = S("string", "GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided."),
                ["generation"] = S("integer", "A sequence number representing a specific generation of the desired state."),
                ["labels"] = labels,
                ["name"] = S("string", "Name must be unique within a namespace."),
                ["namespace"] = S("string", "Namespace defines the space within which each name must be unique."),
                ["ownerReferences"] = new JsonObject
                {
                    ["type"] = "array",
                    ["description"] = "List of objects depended by this object.",
                    ["items"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
                },
                ["resourceVersion"] = S("string", "An opaque value that represents the internal version of this object."),
                ["uid"] = S("string", "UID is the unique in time and space value for this object."),
            },
        };
    }

    public static byte[] Serialize(JsonObject doc) => Encoding.UTF8.GetBytes(doc.ToJsonString());
}
