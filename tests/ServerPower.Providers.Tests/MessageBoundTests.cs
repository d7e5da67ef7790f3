using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;
using ServerPower.Sandbox.Providers.PterodactylPanel;
using ServerPower.Sandbox.Providers.Wenium;

namespace ServerPower.Providers.Tests;

/// <summary>
/// Every message leaving the provider layer is redacted, then cut to 256 characters ending in "…", so status
/// fields and events stay small; a provider's raw state is cut the same way.
/// </summary>
public sealed class MessageBoundTests
{
    private const string Token = "tok_BOUNDSECRET_a81c";
    private const int Bound = 256;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Long, with the token straddling the cut: cutting before redacting would leave a piece of it.</summary>
    private static string LongText => new string('x', Bound - 6) + Token + new string('y', 10_000);

    [Theory]
    [InlineData(ProviderType.Wenium, "42")]
    [InlineData(ProviderType.PterodactylPanel, "abcd1234")]
    [InlineData(ProviderType.Wings, "3f0c2a9e-0000-4000-8000-000000000001")]
    [InlineData(ProviderType.Heo, "vps_1")]
    public async Task Error_messages_of_every_call_are_redacted_and_bounded(ProviderType type, string serverId)
    {
        await using var simulator = await ProviderSimulators.StartAsync(type, new SimulatorOptions { Token = Token }, Ct);
        simulator.Servers.Add(serverId, SimPowerState.Running);
        using var harness = new ProviderHarness(options =>
        {
            options.MaxAttempts = 1;
            options.CoalesceBatchReads = false;
            options.BreakerMinimumThroughput = 1000;
        });
        var provider = harness.For(simulator);
        var body = $$"""{"message":"{{LongText}}","error":"{{LongText}}","errors":[{"detail":"{{LongText}}"}]}""";
        simulator.Faults.Respond(422, count: 100, body: body);

        var outcomes = new List<ProviderOutcome>
        {
            await provider.SendAsync(serverId, ActionType.Restart, null, Ct),
            await provider.SendAsync(serverId, ActionType.Start, null, Ct),
            await provider.ProbeAsync(Ct),
            (await provider.ReadAsync(serverId, Ct)).Outcome,
            (await provider.ReadAllAsync(Ct)).Outcome,
        };

        Assert.All(outcomes, AssertBounded);
        Assert.Contains(outcomes, outcome => outcome.Message.Length == Bound);
    }

    [Fact]
    public async Task A_rebuild_password_straddling_the_cut_is_redacted_first()
    {
        const string password = "pw_STRADDLE_root_77";
        await using var simulator = await WeniumSimulator.StartAsync(new SimulatorOptions { Token = Token }, Ct);
        simulator.Servers.Add("42", SimPowerState.Running);
        using var harness = new ProviderHarness();
        var message = new string('x', Bound - 6) + password + new string('y', 1000);
        simulator.Faults.Respond(422, body: $$"""{"message":"{{message}}"}""");

        var outcome = await harness.For(simulator).SendAsync(
            "42", ActionType.Rebuild, new RebuildRequest("debian-12", null, new SecretValue(password), null, null), Ct);

        Assert.Equal(OutcomeKind.Invalid, outcome.Kind);
        AssertBounded(outcome);
        Assert.DoesNotContain(password[..5], outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_server_id_in_a_refusal_is_bounded()
    {
        await using var simulator = await WeniumSimulator.StartAsync(cancellationToken: Ct);
        using var harness = new ProviderHarness();

        var outcome = await harness.For(simulator).SendAsync(new string('9', 5000) + "x", ActionType.Start, null, Ct);

        Assert.Equal(OutcomeKind.Invalid, outcome.Kind);
        AssertBounded(outcome);
        Assert.Empty(simulator.Requests.Snapshot());
    }

    [Fact]
    public async Task A_long_raw_state_is_bounded_in_reads_and_batch_reads()
    {
        await using var simulator = await WeniumSimulator.StartAsync(new SimulatorOptions { Token = Token }, Ct);
        simulator.Servers.Add("42", SimPowerState.Running).ReportedState = LongText;
        using var harness = new ProviderHarness(options => options.CoalesceBatchReads = false);

        var read = await harness.For(simulator).ReadAsync("42", Ct);
        var all = await harness.For(simulator).ReadAllAsync(Ct);

        Assert.Equal(PowerState.Unknown, read.Server?.Power);
        Assert.True(read.Server!.RawState.Length <= Bound);
        Assert.True(all.Servers["42"].RawState.Length <= Bound);
        Assert.DoesNotContain(Token[..5], read.Server.RawState, StringComparison.Ordinal);
        Assert.DoesNotContain(Token[..5], all.Servers["42"].RawState, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_conflict_explained_by_the_server_status_stays_bounded()
    {
        await using var simulator = await PterodactylPanelSimulator.StartAsync(new SimulatorOptions { Token = Token }, Ct);
        simulator.Servers.Add("abcd1234", SimPowerState.Running, suspended: true);
        using var harness = new ProviderHarness();
        simulator.Faults.Respond(409, path: "/power", body: $$"""{"errors":[{"code":"ConflictHttpException","status":"409","detail":"{{LongText}}"}]}""");

        var outcome = await harness.For(simulator).SendAsync("abcd1234", ActionType.Restart, null, Ct);

        Assert.Equal(OutcomeKind.Suspended, outcome.Kind);
        AssertBounded(outcome);
    }

    private static void AssertBounded(ProviderOutcome outcome)
    {
        Assert.True(outcome.Message.Length <= Bound, $"{outcome.Message.Length} characters: {outcome.Message[..Math.Min(80, outcome.Message.Length)]}");
        Assert.DoesNotContain(Token[..5], outcome.Message, StringComparison.Ordinal);
        if (outcome.Message.Length == Bound)
        {
            Assert.EndsWith("…", outcome.Message, StringComparison.Ordinal);
        }
    }
}
