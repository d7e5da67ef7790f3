namespace ServerPower.Sandbox.Kubernetes.Rbac;

/// <summary>An RBAC PolicyRule. <paramref name="Namespace"/> null: cluster-wide (ClusterRole); set: a Role's namespace.</summary>
public sealed record EmulatorPolicyRule(
    IReadOnlyList<string> ApiGroups,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string>? ResourceNames = null,
    string? Namespace = null)
{
    /// <summary>Same matching as the real RBAC authorizer (rbac/v1 helpers: VerbMatches, APIGroupMatches, ResourceMatches, ResourceNameMatches).</summary>
    public bool Allows(RequestAttributes request)
    {
        if (Namespace is not null && request.Namespace != Namespace)
        {
            return false;
        }
        if (!Verbs.Contains("*") && !Verbs.Contains(request.Verb))
        {
            return false;
        }
        if (!ApiGroups.Contains("*") && !ApiGroups.Contains(request.ApiGroup))
        {
            return false;
        }
        var combined = request.Subresource.Length == 0 ? request.Resource : $"{request.Resource}/{request.Subresource}";
        var resourceMatch = Resources.Any(r =>
            r == "*" || r == combined || (request.Subresource.Length > 0 && r == "*/" + request.Subresource));
        if (!resourceMatch)
        {
            return false;
        }
        return ResourceNames is null || ResourceNames.Count == 0 || ResourceNames.Contains(request.Name);
    }
}
