using System.Collections.Concurrent;
using ServerPower.Sandbox.Kubernetes.Api;

namespace ServerPower.Sandbox.Kubernetes.Rbac;

/// <summary>
/// Bearer-token authentication and RBAC authorization with the real server's texts. Tokens can be added and revoked
/// while running (a rotated service-account token), and requests are counted per accepted token.
/// </summary>
public sealed class Authorizer(string adminToken, IEnumerable<EmulatorIdentity> identities, bool anonymousIsAdmin)
{
    private readonly ConcurrentDictionary<string, EmulatorIdentity> byToken =
        new(identities.Select(i => KeyValuePair.Create(i.Token, i)), StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> uses = new(StringComparer.Ordinal);

    /// <summary>Requests authenticated with <paramref name="token"/> so far.</summary>
    public long Uses(string token) => uses.GetValueOrDefault(token);

    /// <summary>From now on <paramref name="token"/> authenticates as <paramref name="identity"/> too.</summary>
    public void Accept(EmulatorIdentity identity, string token) => byToken[token] = identity;

    /// <summary>From now on <paramref name="token"/> is refused with 401.</summary>
    public void Revoke(string token) => byToken.TryRemove(token, out _);

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
            uses.AddOrUpdate(token, 1, (_, n) => n + 1);
            return null;
        }
        if (!byToken.TryGetValue(token, out var identity))
        {
            throw KubeStatus.Unauthorized();
        }
        uses.AddOrUpdate(token, 1, (_, n) => n + 1);
        return identity;
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
