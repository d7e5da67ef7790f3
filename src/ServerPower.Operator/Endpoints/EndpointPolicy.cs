using System.Net;

namespace ServerPower.Operator.Endpoints;

/// <summary>
/// Which provider endpoints the operator may call: https only, except loopback when
/// <see cref="AllowLoopbackHttp"/> (the sandbox) or any host when <see cref="AllowHttp"/>; and, when an allowlist
/// is given, only its hosts. These are checks of the URL as written; the address it resolves to is checked when a
/// provider call connects, by the outbound policy (ServerPower.Providers.Outbound).
/// </summary>
public sealed partial record EndpointPolicy(bool AllowHttp, bool AllowLoopbackHttp, IReadOnlyList<string> AllowedHosts)
{
    public static EndpointPolicy Default { get; } = new(false, false, []);

    /// <summary>Null when the endpoint may be used; otherwise why not, in one sentence.</summary>
    public string? Check(Uri endpoint)
    {
        if (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp)
            return $"endpoint scheme '{endpoint.Scheme}' is not allowed; use https";
        if (endpoint.UserInfo.Length > 0)
            return "the endpoint must not carry a user name or password; put the API token in the credentials Secret";
        if (endpoint.Query.Length > 0)
            return "the endpoint must not have a query string (the operator builds every request path itself)";
        if (endpoint.Fragment.Length > 0)
            return "the endpoint must not have a fragment (#...)";
        if (endpoint.Scheme == Uri.UriSchemeHttp && !AllowHttp && !(AllowLoopbackHttp && IsLoopback(endpoint)))
            return "plain http endpoints are not allowed; use https (or start the operator with --allow-http-endpoints)";
        if (AllowedHosts.Count > 0 && !AllowedHosts.Contains(endpoint.Host, StringComparer.OrdinalIgnoreCase))
            return $"endpoint host '{endpoint.Host}' is not in the operator's allowed endpoint hosts";
        return null;
    }

    /// <summary>The URL text with any user name and password replaced, for messages: credentials never reach status or logs.</summary>
    public static string Redact(string url) => UserInfo().Replace(url, "$1***@");

    [System.Text.RegularExpressions.GeneratedRegex(@"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")]
    private static partial System.Text.RegularExpressions.Regex UserInfo();

    private static bool IsLoopback(Uri endpoint) =>
        endpoint.IsLoopback || (IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
