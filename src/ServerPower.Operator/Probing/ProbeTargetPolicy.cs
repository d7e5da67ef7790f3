using System.Net;
using ServerPower.Api.Resources;
using ServerPower.Operator.Reconciliation;

namespace ServerPower.Operator.Probing;

/// <summary>
/// Which readiness probe targets the operator may try, as written, by the same rules as provider endpoints: only the
/// hosts of --allowed-endpoint-hosts when it is set, and for httpGet https only unless plain http is allowed (every
/// host with --allow-http-endpoints, loopback only in the sandbox). The address a target resolves to is checked when
/// the probe connects, by the outbound policy (<see cref="ProbeRunner"/>). Auto-stop activity targets are checked by
/// the same rules (<see cref="CheckHostPort"/>, <see cref="CheckUrl"/>).
/// </summary>
public sealed class ProbeTargetPolicy(EndpointPolicy endpoints)
{
    /// <summary>Null when the probe may run; otherwise why not, in one sentence.</summary>
    public string? Check(ReadinessProbeSpec probe)
    {
        if ((probe.TcpSocket is null) == (probe.HttpGet is null)) return "readinessProbe needs exactly one of tcpSocket and httpGet";
        return probe.TcpSocket is { } tcp
            ? CheckHostPort("tcpSocket", "probe", "TCP", tcp.Host, tcp.Port)
            : CheckUrl("httpGet.url", "probe", probe.HttpGet!.Url);
    }

    /// <summary>
    /// A host and <paramref name="protocol"/> (TCP, UDP) port of the API field <paramref name="field"/>, a
    /// <paramref name="what"/> target (probe, activity); null when allowed.
    /// </summary>
    public string? CheckHostPort(string field, string what, string protocol, string host, int port)
    {
        if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host) == UriHostNameType.Unknown)
            return $"{field}.host '{host}' is not a host name or IP address";
        if (port is < 1 or > 65535) return $"{field}.port {port} is not a {protocol} port";
        return HostAllowed(what, host);
    }

    /// <summary>An http or https URL (of the API field <paramref name="field"/>, a <paramref name="what"/> target); null when allowed.</summary>
    public string? CheckUrl(string field, string what, string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            return $"{field} '{EndpointPolicy.Redact(url)}' is not an absolute http or https URL";
        if (uri.UserInfo.Length > 0) return $"{field} must not carry a user name or password";
        if (uri.Scheme == Uri.UriSchemeHttp && !endpoints.AllowHttp && !(endpoints.AllowLoopbackHttp && IsLoopback(uri.Host)))
            return $"plain http {what} targets are not allowed; use https (or start the operator with --allow-http-endpoints)";
        return HostAllowed(what, uri.Host);
    }

    private string? HostAllowed(string what, string host)
    {
        var bare = host.Trim('[', ']');
        return endpoints.AllowedHosts.Count > 0 && !endpoints.AllowedHosts.Contains(bare, StringComparer.OrdinalIgnoreCase)
            ? $"{what} host '{bare}' is not in the operator's allowed endpoint hosts"
            : null;
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
