using System.Text.Json.Nodes;
using ServerPower.Sandbox.Kubernetes.Api;
using static ServerPower.Sandbox.Kubernetes.Schema.StructuralSchemaNode;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>
/// Every property or items a value validation (allOf/anyOf/oneOf/not) talks about must also be specified in the
/// structural part of the schema. Like the server, this looks at the junctors of the root schema and what they
/// nest, not at junctors further down.
/// </summary>
internal static class StructuralSchemaCompleteness
{
    public static void Check(JsonObject root, string path, List<FieldError> errors) =>
        Junctors(root, root, path, path, errors);

    private static void Junctors(JsonObject v, JsonObject s, string sPath, string vPath, List<FieldError> errors)
    {
        if (v["not"] is JsonObject not)
        {
            Nested(not, s, sPath, Child(vPath, "not"), errors);
        }
        foreach (var junctor in new[] { "allOf", "anyOf", "oneOf" })
        {
            foreach (var (i, clause) in Clauses(v, junctor))
            {
                Nested(clause, s, sPath, Index(vPath, junctor, i), errors);
            }
        }
    }

    private static void Nested(JsonObject v, JsonObject? s, string sPath, string vPath, List<FieldError> errors)
    {
        if (s is null)
        {
            errors.Add(Required(sPath, $"because it is defined in {vPath}"));
            return;
        }
        Junctors(v, s, sPath, vPath, errors);
        if (v["items"] is JsonObject items)
        {
            Nested(items, s["items"] as JsonObject, Child(sPath, "items"), Child(vPath, "items"), errors);
        }
        foreach (var (key, property) in Properties(v))
        {
            if (Property(s, key) is { } specified)
            {
                Nested(property, specified, Key(sPath, "properties", key), Key(vPath, "properties", key), errors);
            }
            else
            {
                errors.Add(Required(Key(sPath, "properties", key), $"because it is defined in {Key(vPath, "properties", key)}"));
            }
        }
    }
}
