using System.Text.Json.Nodes;

namespace ServerPower.Sandbox.Kubernetes.Storage;

/// <summary>An object as stored: immutable serialized JSON plus what indexes and selectors need.</summary>
public sealed record StoredObject(
    string Namespace,
    string Name,
    long ResourceVersion,
    IReadOnlyDictionary<string, string> Labels,
    byte[] Json)
{
    public JsonObject Parse() => JsonNode.Parse(Json)!.AsObject();
}
