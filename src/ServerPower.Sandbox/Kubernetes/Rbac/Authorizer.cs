using ServerPower.Sandbox.Kubernetes.Api;

namespace ServerPower.Sandbox.Kubernetes.Rbac;

/// <summary>Bearer-token authentication and RBAC authorization with the real server's texts.</summary>
public sealed class Authorizer(string adminToken, IEnumerable<EmulatorIdentity> identities, bool anonymousIsAdmin)
{
    private readonly Dictionary<string, EmulatorIdentity> byToken = identities.ToDictionary(i => i.Token, StringComparer.Ordinal);

    /// <summary>Null for the admin (or anonymous when allowed); the identity for a restricted token; 401 otherwise.</summary>
    public EmulatorIdentity? Authenticate(string? authorizationHeader)
    {
        const string prefix = "Bearer ";
        var token = authorizationHeader is not null && authorizationHeader.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            ? authorizationHeader[prefix.Length..].Trim()
            : null;
        if (token is null)
        {
            return anonymousIsAdmin ? null : throw KubeStatus.Unauthorized();
        }
        if (token == adminToken)
        {
            return null;
        }
        return byToken.TryGetValue(token, out var identity) ? identity : throw KubeStatus.Unauthorized();
    }

    public static void Authorize(EmulatorIdentity? identity, RequestAttributes request)
    {
        if (identity is null || identity.Allows(request))
        {
            return;
        }
        var resource = request.Subresource.Length > 0 ? $"{request.Resource}/{request.Subresource}" : request.Resource;
        var scope = request.Namespace.Length > 0 ? $"in the namespace \"{request.Namespace}\"" : "at the cluster scope";
        var why = $"User \"{identity.UserName}\" cannot {request.Verb} resource \"{resource}\" in API group \"{request.ApiGroup}\" {scope}";
        var qualified = request.ApiGroup.Length == 0 ? request.Resource : $"{request.Resource}.{request.ApiGroup}";
        var message = request.Name.Length > 0 ? $"{qualified} \"{request.Name}\" is forbidden: {why}" : $"{qualified} is forbidden: {why}";
        throw new KubeApiException(403, "Forbidden", message, KubeStatus.Details(request.Name, request.ApiGroup, request.Resource));
    }
}
