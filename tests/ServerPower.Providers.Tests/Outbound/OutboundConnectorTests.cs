using System.Net;
using System.Net.Sockets;
using ServerPower.Providers.Outbound;
using ServerPower.Sandbox.Services;

namespace ServerPower.Providers.Tests.Outbound;

/// <summary>
/// The connect hook: the check is on the resolved address, before any connect. A recording stand-in resolves and
/// records; it never connects off this machine.
/// </summary>
public sealed class OutboundConnectorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_name_that_resolves_to_a_refused_address_connects_nowhere()
    {
        var network = new RecordingNetwork(new Dictionary<string, IPAddress[]>
        {
            ["db.allowed.example"] = [IPAddress.Parse("169.254.169.254")],
        });
        var connector = new OutboundConnector(OutboundPolicy.Default, network);

        var refused = await Assert.ThrowsAsync<OutboundRefusedException>(() => connector.ConnectAsync("db.allowed.example", 5432, Ct));

        Assert.Equal("the operator's outbound policy refuses link-local addresses (169.254.0.0/16, fe80::/10)", refused.Message);
        Assert.Equal(["db.allowed.example"], network.Resolved);
        Assert.Empty(network.Connected);
    }

    [Fact]
    public async Task Of_several_addresses_only_an_allowed_one_is_connected_to()
    {
        await using var service = ServiceListener.Start();
        var network = new RecordingNetwork(new Dictionary<string, IPAddress[]>
        {
            ["mixed.example"] = [IPAddress.Parse("169.254.169.254"), IPAddress.Parse("0.0.0.0"), IPAddress.Loopback],
        });
        var connector = new OutboundConnector(new OutboundPolicy([IPNetwork.Parse("127.0.0.1/32")], []), network);

        await using (await connector.ConnectAsync("mixed.example", service.Port, Ct))
        {
        }

        Assert.Equal([new IPEndPoint(IPAddress.Loopback, service.Port)], network.Connected);
    }

    [Fact]
    public async Task A_name_that_resolves_to_nothing_is_not_found_not_refused()
    {
        var connector = new OutboundConnector(OutboundPolicy.Default, new RecordingNetwork(new Dictionary<string, IPAddress[]> { ["empty.example"] = [] }));

        var error = await Assert.ThrowsAsync<SocketException>(() => connector.ConnectAsync("empty.example", 80, Ct));

        Assert.Equal(SocketError.HostNotFound, error.SocketErrorCode);
    }

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("[fe80::1]")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    [InlineData("0.0.0.0")]
    [InlineData("[::ffff:169.254.169.254]")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("[fd00:ec2::254]")]
    public async Task A_refused_literal_is_refused_before_any_connect(string host)
    {
        var network = new RecordingNetwork();
        var connector = new OutboundConnector(OutboundPolicy.Default, network);

        await Assert.ThrowsAsync<OutboundRefusedException>(() => connector.ConnectAsync(host, 80, Ct));

        Assert.Empty(network.Connected);
    }
}
