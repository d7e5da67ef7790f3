using System.Net;

namespace ServerPower.Providers.Outbound;

/// <summary>
/// One rule of the <see cref="OutboundPolicy"/>: a name users read in a refusal (e.g. "link-local addresses
/// (169.254.0.0/16, fe80::/10)") and the address ranges it covers.
/// </summary>
public sealed record OutboundRule(string Name, IReadOnlyList<IPNetwork> Ranges)
{
    public bool Covers(IPAddress address) => Ranges.Any(range => range.Contains(address));
}
