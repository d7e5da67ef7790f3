using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;
using ServerPower.Sandbox.Providers.Wenium;

namespace ServerPower.Providers.Tests;

/// <summary>
/// A redirect is never followed: no request, no Bearer token and no rebuild root password reaches another host.
/// A 3xx is an unreadable answer; for an action it may have been executed.
/// </summary>
public sealed class RedirectTests : IAsyncLifetime
{
    private const string Password = "pw_REDIRECTED_ROOT_5e1";

    private readonly ProviderHarness harness = new(options =>
    {
        options.CoalesceBatchReads = false;
        options.BreakerMinimumThroughput = 1000;
    });
    private WeniumSimulator provider = null!;
    private WeniumSimulator elsewhere = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        provider = await WeniumSimulator.StartAsync();
        elsewhere = await WeniumSimulator.StartAsync(new SimulatorOptions { Token = provider.Token });
        provider.Servers.Add("42", SimPowerState.Running);
        elsewhere.Servers.Add("42", SimPowerState.Running);
    }

    public async ValueTask DisposeAsync()
    {
        await provider.DisposeAsync();
        await elsewhere.DisposeAsync();
        harness.Dispose();
    }

    public static TheoryData<int> RedirectStatuses => [301, 302, 303, 307, 308];

    [Theory]
    [MemberData(nameof(RedirectStatuses))]
    public async Task A_rebuild_with_a_password_is_never_sent_to_the_redirect_target(int status)
    {
        provider.Faults.Redirect(new Uri(elsewhere.BaseAddress, "servers/42/action"), status, count: 10);
        var rebuild = new RebuildRequest("debian-12", null, new SecretValue(Password), null, null);

        var outcome = await harness.For(provider).SendAsync("42", ActionType.Rebuild, rebuild, Ct);

        Assert.Equal(0, elsewhere.Requests.Total);
        Assert.Single(provider.Requests.Snapshot());
        Assert.Equal(OutcomeKind.Unavailable, outcome.Kind);
        Assert.True(outcome.MayHaveReachedProvider);
        Assert.StartsWith($"unreadable answer (HTTP {status}", outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, outcome.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RedirectStatuses))]
    public async Task Reads_probes_and_idempotent_actions_are_never_sent_to_the_redirect_target(int status)
    {
        provider.Faults.Redirect(new Uri(elsewhere.BaseAddress, "servers/42"), status, count: 100);
        var wenium = harness.For(provider);

        var read = await wenium.ReadAsync("42", Ct);
        var all = await wenium.ReadAllAsync(Ct);
        var probe = await wenium.ProbeAsync(Ct);
        var start = await wenium.SendAsync("42", ActionType.Start, null, Ct);

        Assert.Equal(0, elsewhere.Requests.Total);
        Assert.All(
            [read.Outcome, all.Outcome, probe, start],
            outcome =>
            {
                Assert.Equal(OutcomeKind.Unavailable, outcome.Kind);
                Assert.StartsWith($"unreadable answer (HTTP {status}", outcome.Message, StringComparison.Ordinal);
            });
        Assert.True(start.MayHaveReachedProvider);
        Assert.Null(read.Server);
    }
}
