using Microsoft.AspNetCore.Http;

namespace ServerPower.Sandbox.Kubernetes.Http;

/// <summary>
/// Query parameters of write requests, and the manager recorded in managedFields: the fieldManager parameter, else
/// the User-Agent up to its first '/' (as kube-apiserver derives it), else "unknown".
/// </summary>
public sealed record WriteOptions(bool DryRun, string FieldValidation, string? FieldManager)
{
    public string Manager { get; init; } = FieldManager ?? "unknown";

    public static WriteOptions From(IQueryCollection query, string? userAgent = null)
    {
        var fieldManager = query["fieldManager"].ToString() is { Length: > 0 } fm ? fm : null;
        var agent = userAgent is { Length: > 0 } ua ? ua.Split('/')[0].Trim() : "";
        return new WriteOptions(
            query["dryRun"].ToString() == "All",
            query["fieldValidation"].ToString() is { Length: > 0 } fv ? fv : "Warn",
            fieldManager)
        {
            Manager = fieldManager ?? (agent.Length > 0 ? agent[..Math.Min(agent.Length, 128)] : "unknown"),
        };
    }
}
