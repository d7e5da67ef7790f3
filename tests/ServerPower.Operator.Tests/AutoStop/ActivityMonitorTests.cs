using ServerPower.Operator.Decision;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Operator.Endpoints;
using ServerPower.Operator.AutoStop;
using ServerPower.Operator.Probing;
using ServerPower.Operator.Tests.Probing;
using ServerPower.Operator.Reconciliation;
using ServerPower.Providers.Activity;
using ServerPower.Providers.Outbound;
using ServerPower.Runtime;
using ServerPower.Sandbox.Activity;

namespace ServerPower.Operator.Tests.AutoStop;

/// <summary>The activity monitor's schedule, idle run and change notices, reading the sandbox's fakes on 127.0.0.1 on a fake clock.</summary>
public sealed class ActivityMonitorTests : IAsyncDisposable
{
    private static readonly ObjectKey Key = new("games", "mc");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));
    private readonly MinecraftPingListener minecraft = MinecraftPingListener.Start(players: 0);
    private readonly ConcurrentQueue<ObjectKey> changes = new();

    private ActivityMonitor Monitor(OutboundPolicy? outbound = null)
    {
        var reader = new ActivityReader(new OutboundConnector(outbound ?? OutboundPolicy.AllowingLoopback), time);
        return new ActivityMonitor(reader, new ActivityTargetPolicy(new ProbeTargetPolicy(EndpointPolicy.Default)),
            new CallbackServerQueue(changes.Enqueue), time, NullLogger<ActivityMonitor>.Instance);
    }

    private ActivitySpec Minecraft(int period = 30) => new(ActivityTarget.Minecraft("127.0.0.1", minecraft.Port), period);

    private static Task Due(ActivityMonitor monitor) => monitor.StartDue(Ct).Started;

    private async Task Period(ActivityMonitor monitor, int seconds = 30)
    {
        time.Advance(TimeSpan.FromSeconds(seconds));
        await Due(monitor);
    }

    [Fact]
    public async Task The_first_read_runs_at_once_and_starts_an_idle_run()
    {
        var monitor = Monitor();
        monitor.Ensure(Key, Minecraft());
        await Due(monitor);

        var state = monitor.Observe(Key)!;
        Assert.Equal((0, time.GetUtcNow(), time.GetUtcNow(), (DateTimeOffset?)null), (state.Players, state.IdleSince, state.LastReadTime, state.LastActiveTime));
        Assert.Equal([Key], changes);
        Assert.Single(minecraft.Handshakes);
    }

    [Fact]
    public async Task Reads_follow_periodSeconds_and_steady_zero_reads_keep_the_run_and_announce_nothing()
    {
        var monitor = Monitor();
        monitor.Ensure(Key, Minecraft(period: 20));
        await Due(monitor);
        var started = time.GetUtcNow();
        var (none, next) = monitor.StartDue(Ct);
        await none;
        Assert.Equal(TimeSpan.FromSeconds(20), next);

        await Period(monitor, 20);
        await Period(monitor, 20);

        var state = monitor.Observe(Key)!;
        Assert.Equal(3, minecraft.Handshakes.Count);
        Assert.Equal((started, time.GetUtcNow()), (state.IdleSince, state.LastReadTime));
        Assert.Equal(TimeSpan.FromSeconds(40), IdleRun.IdleFor(state, time.GetUtcNow()));
        Assert.Single(changes);
    }

    [Fact]
    public async Task A_failed_read_is_unknown_and_ends_the_idle_run()
    {
        var monitor = Monitor();
        monitor.Ensure(Key, Minecraft());
        await Due(monitor);
        minecraft.Close();
        await Period(monitor);

        var state = monitor.Observe(Key)!;
        Assert.Equal((null, null, ActivityOutcome.Failed), (state.Players, state.IdleSince, state.LastRead!.Outcome));
        Assert.Equal(2, changes.Count);

        minecraft.Open();
        await Period(monitor);
        Assert.Equal(time.GetUtcNow(), monitor.Observe(Key)!.IdleSince);
    }

    [Fact]
    public async Task Players_end_the_run_and_set_the_last_active_time()
    {
        var monitor = Monitor();
        monitor.Ensure(Key, Minecraft());
        await Due(monitor);
        minecraft.Players = 4;
        await Period(monitor);
        var active = time.GetUtcNow();
        minecraft.Players = 0;
        await Period(monitor);

        var state = monitor.Observe(Key)!;
        Assert.Equal((0, active, time.GetUtcNow()), (state.Players, state.LastActiveTime, state.IdleSince));
        Assert.Equal(3, changes.Count);
    }

    [Fact]
    public async Task A_refused_target_is_unknown_and_never_idle()
    {
        var monitor = Monitor(OutboundPolicy.Default);
        monitor.Ensure(Key, Minecraft());
        await Due(monitor);
        await Period(monitor);

        var state = monitor.Observe(Key)!;
        Assert.Equal((null, null, ActivityOutcome.Refused), (state.Players, state.IdleSince, state.LastRead!.Outcome));
        Assert.Empty(minecraft.Handshakes);
        Assert.Equal(0, minecraft.Accepted);
    }

    [Fact]
    public async Task The_same_spec_again_keeps_the_run_and_another_starts_afresh()
    {
        var monitor = Monitor();
        monitor.Ensure(Key, Minecraft());
        await Due(monitor);
        var started = time.GetUtcNow();
        time.Advance(TimeSpan.FromSeconds(5));

        monitor.Ensure(Key, Minecraft());
        await Due(monitor);
        Assert.Equal((started, 1), (monitor.Observe(Key)!.IdleSince, minecraft.Handshakes.Count));

        monitor.Ensure(Key, Minecraft(period: 10));
        Assert.Equal(ActivityState.Fresh, monitor.Observe(Key));
        await Due(monitor);
        Assert.Equal((time.GetUtcNow(), 2), (monitor.Observe(Key)!.IdleSince, minecraft.Handshakes.Count));
    }

    [Fact]
    public async Task A_forgotten_server_is_not_read_and_has_no_state()
    {
        var monitor = Monitor();
        monitor.Ensure(Key, Minecraft());
        await Due(monitor);
        monitor.Forget(Key);
        await Period(monitor);

        Assert.Null(monitor.Observe(Key));
        Assert.Single(minecraft.Handshakes);
        Assert.Equal(0, monitor.Count);
    }

    [Fact]
    public async Task Read_now_reads_at_once_and_updates_the_state()
    {
        var monitor = Monitor();
        monitor.Ensure(Key, Minecraft());
        await Due(monitor);
        minecraft.Players = 2;
        time.Advance(TimeSpan.FromSeconds(3));

        var read = await monitor.ReadNowAsync(Key, Ct);

        Assert.Equal(2, read.Players);
        var state = monitor.Observe(Key)!;
        Assert.Equal((2, null, time.GetUtcNow()), (state.Players, state.IdleSince, state.LastActiveTime));
        Assert.Equal(2, minecraft.Handshakes.Count);
    }

    [Fact]
    public async Task Read_now_of_a_server_not_watched_is_unknown()
    {
        var read = await Monitor().ReadNowAsync(Key, Ct);

        Assert.Equal(ActivityRead.Unknown(ActivityOutcome.Failed, "the server's activity is not being read"), read);
        Assert.Empty(minecraft.Handshakes);
    }

    [Fact]
    public async Task An_a2s_server_is_read_through_its_challenge()
    {
        await using var a2s = A2sResponder.Start(players: 5, bots: 2);
        a2s.RequireChallenge = true;
        var monitor = Monitor();
        monitor.Ensure(Key, new ActivitySpec(ActivityTarget.A2s("127.0.0.1", a2s.Port)));
        await Due(monitor);

        Assert.Equal(3, monitor.Observe(Key)!.Players);
    }

    [Fact]
    public async Task Reads_are_counted_by_kind_and_outcome()
    {
        var success = ActivityMetrics.Reads.WithLabels("minecraft", "success");
        var failed = ActivityMetrics.Reads.WithLabels("minecraft", "failed");
        var (successBefore, failedBefore) = (success.Value, failed.Value);
        var monitor = Monitor();
        monitor.Ensure(Key, Minecraft());
        await Due(monitor);
        minecraft.Close();
        await Period(monitor);

        // Other tests may read in parallel: at least this test's reads are counted.
        Assert.True(success.Value >= successBefore + 1 && failed.Value >= failedBefore + 1);
    }

    [Theory]
    [InlineData("minecraft", "mc.example.com", 0, "activity.minecraft.port 0 is not a TCP port")]
    [InlineData("a2s", "cs.example.com", 70000, "activity.a2s.port 70000 is not a UDP port")]
    [InlineData("a2s", "", 27015, "activity.a2s.host '' is not a host name or IP address")]
    [InlineData("httpGet", "http://status.example.com/players", 0, "plain http activity targets are not allowed")]
    [InlineData("httpGet", "https://status.example.com/players", 0, null)]
    [InlineData("minecraft", "mc.example.com", 25565, null)]
    public void Targets_are_checked_by_the_endpoint_rules(string kind, string where, int port, string? message)
    {
        var target = kind switch
        {
            "minecraft" => ActivityTarget.Minecraft(where, port),
            "a2s" => ActivityTarget.A2s(where, port),
            _ => ActivityTarget.HttpGet(where, ".players"),
        };

        var why = Monitor().Check(new ActivitySpec(target));

        if (message is null) Assert.Null(why);
        else Assert.StartsWith(message, why);
    }

    [Fact]
    public void Only_allowed_hosts_and_a_period_of_1_to_3600_seconds_pass()
    {
        var policy = new ActivityTargetPolicy(new ProbeTargetPolicy(new EndpointPolicy(false, false, ["mc.example.com"])));

        Assert.Equal("activity host 'db.example.com' is not in the operator's allowed endpoint hosts",
            policy.Check(new ActivitySpec(ActivityTarget.Minecraft("db.example.com", 25565))));
        Assert.Equal("autoStop.periodSeconds 0 is not between 1 and 3600",
            policy.Check(new ActivitySpec(ActivityTarget.Minecraft("mc.example.com", 25565), 0)));
        Assert.Equal("jsonPath 'players' is not a dotted path of property names such as .players or .a.b",
            policy.Check(new ActivitySpec(ActivityTarget.HttpGet("https://mc.example.com/s", "players"))));
    }

    public ValueTask DisposeAsync() => minecraft.DisposeAsync();
}
