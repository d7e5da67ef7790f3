using System.Net;
using ServerPower.Api.Resources;
using ServerPower.Operator.Endpoints;

namespace ServerPower.Operator.Probing;

/// <summary>
/// Which readiness probe targets the operator may try, as written, by the same rules as provider endpoints: only the
/// hosts of --allowed-endpoint-hosts when it is set, and for httpGet https only unless plain http is allowed (every
/// host with --allow-http-endpoints, loopback only in the sandbox). The address a target resolves to is checked when
/// the probe connects, by the outbound policy (<see cref="ProbeRunner"/>).
/// </summary>
public sealed class ProbeTargetPolicy(EndpointPolicy endpoints)
{
    /// <summary>Null when the probe may run; otherwise why not, in one sentence.</summary>
    public string? Check(ReadinessProbeSpec probe)
    {
        if ((probe.TcpSocket is null) == (probe.HttpGet is null)) return "readinessProbe needs exactly one of tcpSocket and httpGet";
        if (probe.TcpSocket is { } tcp)
        {
            if (string.IsNullOrWhiteSpace(tcp.Host) || Uri.CheckHostName(tcp.Host) == UriHostNameType.Unknown)
                return $"tcpSocket.host '{tcp.Host}' is not a host name or IP address";
            if (tcp.Port is < 1 or > 65535) return $"tcpSocket.port {tcp.Port} is not a TCP port";
            return HostAllowed(tcp.Host);
        }
        var url = probe.HttpGet!.Url;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            return $"httpGet.url '{EndpointPolicy.Redact(url)}' is not an absolute http or https URL";
        if (uri.UserInfo.Length > 0) return "httpGet.url must not carry a user name or password";
        if (uri.Scheme == Uri.UriSchemeHttp && !endpoints.AllowHttp && !(endpoints.AllowLoopbackHttp && IsLoopback(uri.Host)))
            return "plain http probe targets are not allowed; use https (or start the operator with --allow-http-endpoints)";
        return HostAllowed(uri.Host);
    }

    private string? HostAllowed(string host)
    {
        var bare = host.Trim('[', ']');
        return endpoints.AllowedHosts.Count > 0 && !endpoints.AllowedHosts.Contains(bare, StringComparer.OrdinalIgnoreCase)
            ? $"probe host '{bare}' is not in the operator's allowed endpoint hosts"
            : null;
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
