using System.Net;
using CsCheck;
using ServerPower.Operator.Hosting;

namespace ServerPower.Operator.Tests.Hosting;

/// <summary>The outbound and per-namespace flags: defaults, CIDR lists (a bare address is one address), clear errors.</summary>
public sealed class OutboundOptionsTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void Defaults_allow_and_deny_nothing_beyond_the_policy_and_bound_each_namespace()
    {
        var options = OptionsParser.Parse([], NoEnvironment);
        Assert.Empty(options.AllowedCidrs);
        Assert.Empty(options.DeniedCidrs);
        Assert.Equal(8, options.MaxProbesPerNamespace);
        Assert.Equal(1000, options.MaxServersPerNamespace);
    }

    [Fact]
    public void Cidrs_come_from_arguments_and_environment()
    {
        var env = new Dictionary<string, string> { ["SERVERPOWER_DENIED_CIDRS"] = "10.96.0.0/12, 10.244.0.0/16" };
        var options = OptionsParser.Parse(["--allowed-cidrs", "127.0.0.1/32,::1", "--max-probes-per-namespace", "2", "--max-servers-per-namespace=0"], env);
        Assert.Equal([IPNetwork.Parse("127.0.0.1/32"), IPNetwork.Parse("::1/128")], options.AllowedCidrs);
        Assert.Equal([IPNetwork.Parse("10.96.0.0/12"), IPNetwork.Parse("10.244.0.0/16")], options.DeniedCidrs);
        Assert.Equal((2, 0), (options.MaxProbesPerNamespace, options.MaxServersPerNamespace));
    }

    [Theory]
    [InlineData("--allowed-cidrs", "10.0.0.1/8", "--allowed-cidrs: '10.0.0.1/8' is not a CIDR")]
    [InlineData("--denied-cidrs", "10.0.0.0/33", "--denied-cidrs: '10.0.0.0/33' is not a CIDR")]
    [InlineData("--denied-cidrs", "pods", "--denied-cidrs: 'pods' is not a CIDR")]
    [InlineData("--max-probes-per-namespace", "0", "--max-probes-per-namespace must be a whole number from 1")]
    [InlineData("--max-servers-per-namespace", "-1", "--max-servers-per-namespace must be a whole number from 0")]
    public void A_bad_value_is_one_clear_error(string name, string value, string expected)
    {
        var error = Assert.Throws<OptionsException>(() => OptionsParser.Parse([name, value], NoEnvironment));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_network_written_as_a_CIDR_reads_back_as_itself() =>
        Gen.Select(Gen.UInt, Gen.Int[0, 32]).Sample((bits, prefix) =>
        {
            var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
            var network = new IPNetwork(new IPAddress(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(bits & mask))), prefix);
            return OptionsParser.Parse(["--denied-cidrs", network.ToString()], NoEnvironment).DeniedCidrs.Single() == network;
        });

    [Fact]
    public void The_usage_names_every_outbound_and_namespace_flag()
    {
        foreach (var flag in new[] { "--allowed-cidrs", "--denied-cidrs", "--max-probes-per-namespace", "--max-servers-per-namespace" })
            Assert.Contains(flag, OptionsParser.Usage, StringComparison.Ordinal);
    }
}
