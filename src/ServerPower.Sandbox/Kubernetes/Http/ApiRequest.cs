using ServerPower.Sandbox.Kubernetes.Api;

namespace ServerPower.Sandbox.Kubernetes.Http;

/// <summary>A resource request as kube-apiserver's RequestInfoFactory sees it.</summary>
public sealed record ApiRequest(
    ResourceType Type,
    string Namespace,
    string Name,
    string Subresource,
    string Verb,
    bool LegacyWatchPath)
{
    /// <summary>
    /// Parses <c>/api/v1/...</c> or <c>/apis/g/v/...</c> after the group-version into type, namespace, name and
    /// subresource. Returns null when the path is not a resource path of a served type.
    /// </summary>
    public static ApiRequest? Parse(ResourceRegistry registry, string group, string version, string[] rest, string method, bool watchParam)
    {
        var legacyWatch = false;
        if (rest.Length > 0 && rest[0] == "watch")
        {
            legacyWatch = true;
            rest = rest[1..];
        }
        if (rest.Length == 0)
        {
            return null;
        }
        ResourceType? type;
        string ns = "", name = "", sub = "";
        if (rest[0] == "namespaces" && rest.Length >= 3 &&
            registry.Find(group, version, rest[2]) is { Namespaced: true } namespacedType)
        {
            type = namespacedType;
            ns = rest[1];
            name = rest.Length > 3 ? rest[3] : "";
            sub = rest.Length > 4 ? rest[4] : "";
            if (rest.Length > 5) return null;
        }
        else
        {
            type = registry.Find(group, version, rest[0]);
            name = rest.Length > 1 ? rest[1] : "";
            sub = rest.Length > 2 ? rest[2] : "";
            if (rest.Length > 3) return null;
        }
        if (type is null || (sub.Length > 0 && !(sub == "status" && type.HasStatus)))
        {
            return null;
        }
        var watch = legacyWatch || watchParam;
        var verb = method switch
        {
            "GET" or "HEAD" when watch => "watch",
            "GET" or "HEAD" => name.Length == 0 ? "list" : "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => name.Length == 0 ? "deletecollection" : "delete",
            _ => "unknown",
        };
        return new ApiRequest(type, ns, name, sub, verb, legacyWatch);
    }
}
