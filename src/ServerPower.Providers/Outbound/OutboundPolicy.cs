using System.Net;
using System.Net.Sockets;

namespace ServerPower.Providers.Outbound;

/// <summary>
/// Which addresses the operator may connect to, for every outbound connection it makes on a tenant's behalf
/// (provider calls, readiness probes, and any later reader such as auto-stop activity reads: they connect through
/// <see cref="OutboundConnector"/>, which checks the address actually connected to, after name resolution).
/// <para>
/// The operator's own rules (<see cref="AllowedCidrs"/>, <see cref="DeniedCidrs"/>) decide first, the longest
/// matching prefix winning and a tie going to the deny; an address no such rule covers is refused when a
/// <see cref="DefaultDenied"/> rule covers it (loopback, link-local and the cloud metadata addresses, unspecified,
/// multicast, broadcast) and allowed otherwise (private ranges included: home-lab nodes live there). An IPv4 address
/// written as IPv6 (::ffff:a.b.c.d, or inside the NAT64 prefix 64:ff9b::/96) is checked as the IPv4 address.
/// </para>
/// </summary>
public sealed record OutboundPolicy(IReadOnlyList<IPNetwork> AllowedCidrs, IReadOnlyList<IPNetwork> DeniedCidrs)
{
    /// <summary>Refused unless an allowed CIDR covers the address.</summary>
    public static IReadOnlyList<OutboundRule> DefaultDenied { get; } =
    [
        Rule("loopback addresses (127.0.0.0/8, ::1)", "127.0.0.0/8", "::1/128"),
        Rule("link-local addresses (169.254.0.0/16, fe80::/10)", "169.254.0.0/16", "fe80::/10"),
        Rule("cloud metadata addresses (fd00:ec2::254, 100.100.100.200)", "fd00:ec2::254/128", "100.100.100.200/32"),
        Rule("unspecified addresses (0.0.0.0/8, ::)", "0.0.0.0/8", "::/128"),
        Rule("multicast addresses (224.0.0.0/4, ff00::/8)", "224.0.0.0/4", "ff00::/8"),
        Rule("the broadcast address (255.255.255.255)", "255.255.255.255/32"),
    ];

    /// <summary>Only the default rules: what production runs with unless told otherwise.</summary>
    public static OutboundPolicy Default { get; } = new([], []);

    /// <summary>The default rules with loopback allowed: the sandbox and tests, whose simulators listen on loopback.</summary>
    public static OutboundPolicy AllowingLoopback { get; } = new([IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")], []);

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    /// <summary>
    /// Null when the operator may connect to <paramref name="address"/>; otherwise the rule that refuses it, as a phrase
    /// ("the operator's outbound policy refuses link-local addresses (...)") that names the rule and nothing of the
    /// address itself.
    /// </summary>
    public string? Refusal(IPAddress address)
    {
        var ip = Normalise(address);
        var allowed = LongestPrefix(AllowedCidrs, ip);
        var denied = LongestPrefix(DeniedCidrs, ip);
        if (denied is { } deny && (allowed is not { } allow || deny.PrefixLength >= allow.PrefixLength))
            return $"the operator's outbound policy refuses {deny} (--denied-cidrs)";
        if (allowed is not null) return null;
        return DefaultDenied.FirstOrDefault(rule => rule.Covers(ip)) is { } rule
            ? $"the operator's outbound policy refuses {rule.Name}"
            : null;
    }

    /// <summary>
    /// The address as the policy sees it: an IPv4-mapped or NAT64 IPv6 address as its IPv4 address, without an IPv6
    /// scope id (fe80::1%2 is fe80::1).
    /// </summary>
    public static IPAddress Normalise(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address;
        var bytes = address.GetAddressBytes();
        return Nat64.Contains(address) ? new IPAddress(bytes[12..]) : new IPAddress(bytes);
    }

    private static IPNetwork? LongestPrefix(IReadOnlyList<IPNetwork> ranges, IPAddress ip)
    {
        IPNetwork? best = null;
        foreach (var range in ranges)
        {
            if (range.Contains(ip) && (best is null || range.PrefixLength > best.Value.PrefixLength)) best = range;
        }
        return best;
    }

    private static OutboundRule Rule(string name, params string[] cidrs) => new(name, [.. cidrs.Select(IPNetwork.Parse)]);
}
