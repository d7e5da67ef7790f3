using System.Net;
using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Outbound;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Services;

namespace ServerPower.Providers.Tests.Outbound;

/// <summary>
/// Provider calls go through the connect hook: an endpoint whose every address the policy refuses gives NotAllowed
/// (the reconcilers' EndpointNotAllowed) with the rule only, and nothing connects.
/// </summary>
public sealed class ProviderEndpointRefusalTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ProviderAccount Account(string endpoint, ProviderType type = ProviderType.Wenium) =>
        new("ns/provider", type, new Uri(endpoint), new SecretValue("tok_OUTBOUND_1"), null, 4);

    [Theory]
    [InlineData("http://169.254.169.254/latest/")]
    [InlineData("http://127.0.0.1:8080/")]
    [InlineData("http://[::1]:8080/")]
    [InlineData("http://0.0.0.0:8080/")]
    [InlineData("http://[::ffff:169.254.169.254]/")]
    [InlineData("http://[::ffff:127.0.0.1]:8080/")]
    [InlineData("http://[fe80::1]:8080/")]
    [InlineData("https://panel.tenant.example/")]
    public async Task A_refused_endpoint_is_NotAllowed_for_reads_probes_and_actions_and_nothing_connects(string endpoint)
    {
        var network = new RecordingNetwork(new Dictionary<string, IPAddress[]> { ["panel.tenant.example"] = [IPAddress.Parse("169.254.169.254")] });
        using var harness = new ProviderHarness(outbound: OutboundPolicy.Default, network: network);
        foreach (var type in Enum.GetValues<ProviderType>())
        {
            var provider = harness.Factory.Get(Account(endpoint, type));

            var outcomes = new List<ProviderOutcome> { await provider.ProbeAsync(Ct) };
            if (provider.Capabilities.CanReadState) outcomes.Add((await provider.ReadAsync("101", Ct)).Outcome);
            outcomes.Add(await provider.SendAsync("101", ActionType.Start, null, Ct));

            foreach (var outcome in outcomes)
            {
                Assert.Equal(OutcomeKind.NotAllowed, outcome.Kind);
                Assert.False(outcome.MayHaveReachedProvider);
                Assert.StartsWith("the operator's outbound policy refuses ", outcome.Message, StringComparison.Ordinal);
                Assert.DoesNotContain("169.254.169.254", outcome.Message, StringComparison.Ordinal);
            }
        }
        Assert.Empty(network.Connected);
    }

    [Theory]
    [InlineData("127.0.0.2")]
    [InlineData("::1")]
    public async Task A_listener_on_a_refused_loopback_address_sees_no_connection_unless_loopback_is_allowed(string address)
    {
        await using var service = ServiceListener.Start(address: IPAddress.Parse(address));
        var endpoint = $"http://{new IPEndPoint(service.Address, service.Port)}/";

        using (var production = new ProviderHarness(options => options.MaxAttempts = 1, outbound: OutboundPolicy.Default))
        {
            var outcome = await production.Factory.Get(Account(endpoint)).ProbeAsync(Ct);
            Assert.Equal(OutcomeKind.NotAllowed, outcome.Kind);
        }
        Assert.Equal(0, service.Accepted);

        // The same call with the sandbox's loopback allowance reaches the listener: the zero above is the policy's doing.
        using var sandbox = new ProviderHarness(options => options.MaxAttempts = 1, outbound: OutboundPolicy.AllowingLoopback);
        var reached = service.NextConnection;
        await sandbox.Factory.Get(Account(endpoint)).ProbeAsync(Ct);
        await reached.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.True(service.Accepted >= 1);
    }
}
