using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerPower.Sandbox.Kubernetes.Http;

/// <summary>A computed answer: status code, JSON body, Warning headers.</summary>
public sealed record ApiResult(int StatusCode, byte[] Body, IReadOnlyList<string> Warnings)
{
    public static ApiResult Json(int status, JsonNode node, IReadOnlyList<string>? warnings = null) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(node), warnings ?? []);
}
