using System.Net;
using CsCheck;
using ServerPower.Providers.Outbound;

namespace ServerPower.Providers.Tests.Outbound;

/// <summary>The outbound policy's rules, on addresses only (nothing connects here).</summary>
public sealed class OutboundPolicyTests
{
    [Theory]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("169.254.0.1", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fe80::1%2", "link-local")]
    [InlineData("fd00:ec2::254", "metadata")]
    [InlineData("100.100.100.200", "metadata")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.0.0.2", "loopback")]
    [InlineData("127.255.255.254", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("0.1.2.3", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("239.255.255.250", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:0.0.0.0", "unspecified")]
    [InlineData("64:ff9b::a9fe:a9fe", "link-local")]
    public void Refused_by_default(string address, string rule)
    {
        var refusal = OutboundPolicy.Default.Refusal(IPAddress.Parse(address));

        Assert.NotNull(refusal);
        Assert.StartsWith("the operator's outbound policy refuses ", refusal, StringComparison.Ordinal);
        Assert.Contains(rule, refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("172.16.3.4")]
    [InlineData("192.168.1.10")]
    [InlineData("100.64.0.1")]
    [InlineData("fd12:3456::1")]
    [InlineData("8.8.8.8")]
    [InlineData("2001:db8::1")]
    [InlineData("::ffff:192.168.1.10")]
    public void Private_and_public_addresses_are_allowed_by_default(string address) =>
        Assert.Null(OutboundPolicy.Default.Refusal(IPAddress.Parse(address)));

    [Fact]
    public void An_allowed_cidr_overrides_a_default_rule_for_its_addresses_only()
    {
        var policy = new OutboundPolicy([IPNetwork.Parse("127.0.0.1/32")], []);

        Assert.Null(policy.Refusal(IPAddress.Parse("127.0.0.1")));
        Assert.Null(policy.Refusal(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.Contains("loopback", policy.Refusal(IPAddress.Parse("127.0.0.2")), StringComparison.Ordinal);
        Assert.Contains("loopback", policy.Refusal(IPAddress.IPv6Loopback), StringComparison.Ordinal);
        Assert.Contains("link-local", policy.Refusal(IPAddress.Parse("169.254.169.254")), StringComparison.Ordinal);
    }

    [Fact]
    public void Between_the_operators_own_rules_the_longest_prefix_wins_and_a_tie_denies()
    {
        var policy = new OutboundPolicy(
            [IPNetwork.Parse("10.1.2.3/32"), IPNetwork.Parse("192.168.0.0/16")],
            [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("192.168.0.0/16")]);

        Assert.Null(policy.Refusal(IPAddress.Parse("10.1.2.3")));
        Assert.Equal("the operator's outbound policy refuses 10.0.0.0/8 (--denied-cidrs)", policy.Refusal(IPAddress.Parse("10.9.9.9")));
        Assert.Equal("the operator's outbound policy refuses 192.168.0.0/16 (--denied-cidrs)", policy.Refusal(IPAddress.Parse("192.168.1.1")));
        Assert.Null(policy.Refusal(IPAddress.Parse("172.16.0.1")));
    }

    [Fact]
    public void AllowingLoopback_allows_loopback_and_nothing_else_the_defaults_refuse()
    {
        Assert.Null(OutboundPolicy.AllowingLoopback.Refusal(IPAddress.Parse("127.0.0.2")));
        Assert.Null(OutboundPolicy.AllowingLoopback.Refusal(IPAddress.IPv6Loopback));
        Assert.NotNull(OutboundPolicy.AllowingLoopback.Refusal(IPAddress.Parse("169.254.169.254")));
        Assert.NotNull(OutboundPolicy.AllowingLoopback.Refusal(IPAddress.Any));
    }

    private static readonly Gen<IPAddress> AnyIPv4 = Gen.UInt.Select(n => new IPAddress(BitConverter.GetBytes(n)));

    private static readonly OutboundPolicy Configured = new([IPNetwork.Parse("127.0.0.1/32"), IPNetwork.Parse("10.1.0.0/16")],
        [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("203.0.113.0/24")]);

    [Fact]
    public void An_IPv4_address_written_as_IPv6_gets_the_same_answer() =>
        Gen.Select(AnyIPv4, Gen.Bool).Sample((ip, configured) =>
        {
            var policy = configured ? Configured : OutboundPolicy.Default;
            return policy.Refusal(ip) == policy.Refusal(ip.MapToIPv6())
                && policy.Refusal(ip) == policy.Refusal(IPAddress.Parse("64:ff9b::" + ip.MapToIPv6().ToString()[7..]));
        });

    [Fact]
    public void A_refusal_is_one_of_the_rules_texts_and_says_nothing_else_of_the_address()
    {
        var texts = OutboundPolicy.DefaultDenied.Select(rule => $"the operator's outbound policy refuses {rule.Name}")
            .Concat(Configured.DeniedCidrs.Select(cidr => $"the operator's outbound policy refuses {cidr} (--denied-cidrs)"))
            .ToHashSet(StringComparer.Ordinal);
        Gen.Select(AnyIPv4, Gen.Bool).Sample((ip, configured) =>
            (configured ? Configured : OutboundPolicy.Default).Refusal(ip) is not { } refusal || texts.Contains(refusal));
    }
}
