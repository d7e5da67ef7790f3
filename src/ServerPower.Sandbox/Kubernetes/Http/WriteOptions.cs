using Microsoft.AspNetCore.Http;

namespace ServerPower.Sandbox.Kubernetes.Http;

/// <summary>Query parameters of write requests.</summary>
public sealed record WriteOptions(bool DryRun, string FieldValidation, string? FieldManager)
{
    public static WriteOptions From(IQueryCollection query) => new(
        query["dryRun"].ToString() == "All",
        query["fieldValidation"].ToString() is { Length: > 0 } fv ? fv : "Warn",
        query["fieldManager"].ToString() is { Length: > 0 } fm ? fm : null);
}
