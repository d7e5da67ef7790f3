using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Probing;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Sandbox.Services;
using ServerPower.Providers.Outbound;
using ServerPower.Operator.Endpoints;

namespace ServerPower.Operator.Tests.Probing;

/// <summary>The prober's schedule, counting and change notices, probing real listeners on 127.0.0.1 on a fake clock.</summary>
public sealed class ReadinessProberTests : IAsyncDisposable
{
    private static readonly ObjectKey Key = new("games", "mc");
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero));
    private readonly ServiceListener service = ServiceListener.Start();
    private readonly ConcurrentQueue<ObjectKey> changes = new();
    private readonly ProbeRunner runner;

    public ReadinessProberTests() => runner = new ProbeRunner(time, new OutboundConnector(OutboundPolicy.AllowingLoopback));

    private ReadinessProber Prober(IProbeRunner? with = null, int concurrency = 32)
    {
        return new ReadinessProber(with ?? runner, new ProbeTargetPolicy(EndpointPolicy.Default), new CallbackServerQueue(changes.Enqueue), time,
            NullLogger<ReadinessProber>.Instance, new ProberOptions { MaxConcurrency = concurrency });
    }

    private ReadinessProbeSpec Tcp(int failureThreshold = 3, int successThreshold = 1) => new()
    {
        TcpSocket = new TcpSocketProbe { Host = "127.0.0.1", Port = service.Port },
        PeriodSeconds = 10, FailureThreshold = failureThreshold, SuccessThreshold = successThreshold,
    };

    private static Task Due(ReadinessProber prober) => prober.StartDue(TestContext.Current.CancellationToken).Started;

    [Fact]
    public async Task The_first_probe_runs_at_once_and_a_pass_is_announced()
    {
        var prober = Prober();
        prober.Track(Key, Tcp(), null);
        await Due(prober);
        var snapshot = prober.Observe(Key)!;
        Assert.Equal((ProbeVerdict.Passing, ProbeResult.Success, 1), (snapshot.Verdict, snapshot.LastResult, snapshot.ConsecutiveSuccesses));
        Assert.Equal(time.GetUtcNow(), snapshot.LastProbeTime);
        Assert.Equal([Key], changes);
    }

    [Fact]
    public async Task Later_probes_follow_periodSeconds_on_the_clock()
    {
        var prober = Prober();
        prober.Track(Key, Tcp(), null);
        await Due(prober);
        var (none, next) = prober.StartDue(TestContext.Current.CancellationToken);
        await none;
        Assert.Equal(TimeSpan.FromSeconds(10), next);
        // The probe's connect completes at the handshake, before the listener's accept loop counts it: wait for the count.
        await Eventually.Until(() => service.Accepted == 1, "the first probe's connection counted");
        time.Advance(TimeSpan.FromSeconds(10));
        await Due(prober);
        await Eventually.Until(() => service.Accepted == 2, "the second probe's connection counted");
        Assert.Equal(2, service.Accepted);
    }

    [Fact]
    public async Task Failures_up_to_failureThreshold_make_it_Failing_and_steady_results_announce_nothing_more()
    {
        var prober = Prober();
        prober.Track(Key, Tcp(failureThreshold: 2), null);
        await Due(prober);
        service.Close();
        for (var i = 0; i < 4; i++)
        {
            time.Advance(TimeSpan.FromSeconds(10));
            await Due(prober);
        }
        var snapshot = prober.Observe(Key)!;
        Assert.Equal(ProbeVerdict.Failing, snapshot.Verdict);
        Assert.Equal(4, snapshot.ConsecutiveFailures);
        Assert.Contains("ConnectionRefused", snapshot.Message);
        // pass, first failure (result changed), second failure (Failing); the 3rd and 4th show nothing new
        Assert.Equal(3, changes.Count);

        service.Open();
        time.Advance(TimeSpan.FromSeconds(10));
        await Due(prober);
        Assert.Equal(ProbeVerdict.Passing, prober.Observe(Key)!.Verdict);
        Assert.Equal(4, changes.Count);
    }

    [Fact]
    public async Task A_new_start_or_probe_begins_afresh_and_a_result_of_the_old_one_is_discarded()
    {
        var gate = new GateRunner();
        var prober = Prober(gate);
        prober.Track(Key, Tcp(), null);
        var first = Due(prober);
        await gate.Entered(1);
        var restart = time.GetUtcNow();
        prober.Track(Key, Tcp(), restart);
        gate.ReleaseAll(success: true);
        await first;
        Assert.Empty(changes);
        var snapshot = prober.Observe(Key)!;
        Assert.Equal(restart, snapshot.Since);
        Assert.Equal(ProbeVerdict.Pending, snapshot.Verdict);
        Assert.Null(snapshot.LastResult);

        var second = Due(prober);
        await gate.Entered(2);
        gate.ReleaseAll(success: true);
        await second;
        Assert.Equal(ProbeVerdict.Passing, prober.Observe(Key)!.Verdict);
    }

    [Fact]
    public async Task A_result_of_a_server_untracked_meanwhile_is_discarded()
    {
        var gate = new GateRunner();
        var prober = Prober(gate);
        prober.Track(Key, Tcp(), null);
        var running = Due(prober);
        await gate.Entered(1);
        prober.Track(Key, null, null);
        gate.ReleaseAll(success: true);
        await running;
        Assert.Null(prober.Observe(Key));
        Assert.Empty(changes);
    }

    [Fact]
    public async Task The_view_shows_results_counted_from_the_start_asked_for_only()
    {
        var prober = Prober();
        var since = time.GetUtcNow();
        prober.Track(Key, Tcp(), since);
        await Due(prober);
        Assert.Equal(ProbeVerdict.Passing, prober.View(Key, Tcp(), since)!.Snapshot!.Verdict);
        Assert.Null(prober.View(Key, Tcp(), since.AddSeconds(1))!.Snapshot);
    }

    [Fact]
    public async Task A_runner_that_throws_counts_as_a_failure_named_by_the_exception()
    {
        var prober = Prober(new ThrowingRunner());
        prober.Track(Key, Tcp(failureThreshold: 1), null);
        await Due(prober);
        var snapshot = prober.Observe(Key)!;
        Assert.Equal((ProbeVerdict.Failing, ProbeResult.Failure, "InvalidOperationException"), (snapshot.Verdict, snapshot.LastResult, snapshot.Message));
        Assert.Equal([Key], changes);
    }

    [Fact]
    public async Task Untracked_servers_are_not_probed()
    {
        var prober = Prober();
        prober.Track(Key, Tcp(), null);
        prober.Track(Key, null, null);
        await Due(prober);
        Assert.Null(prober.Observe(Key));
        Assert.Equal(0, service.Accepted);
        Assert.Equal(0, prober.Count);
    }

    [Fact]
    public async Task At_most_MaxConcurrency_probes_are_in_flight()
    {
        var gate = new GateRunner();
        var prober = Prober(gate, concurrency: 2);
        for (var i = 0; i < 5; i++) prober.Track(new ObjectKey("games", $"s{i}"), Tcp(), null);
        var all = Due(prober);
        for (var entered = 2; entered <= 5; entered++)
        {
            await gate.Entered(entered);
            gate.ReleaseOne(success: true);
        }
        gate.ReleaseAll(success: true);
        await all;
        Assert.Equal(2, gate.MaxInFlight);
        Assert.Equal(5, changes.Count);
    }

    [Fact]
    public async Task The_background_loop_follows_a_listener_that_closes_and_opens()
    {
        var prober = Prober();
        using var stop = new CancellationTokenSource();
        var loop = prober.RunAsync(stop.Token);
        prober.Track(Key, Tcp(failureThreshold: 1), null);
        await UntilAsync(() => prober.Observe(Key)?.Verdict == ProbeVerdict.Passing);
        service.Close();
        await UntilAsync(() => prober.Observe(Key)?.Verdict == ProbeVerdict.Failing);
        service.Open();
        await UntilAsync(() => prober.Observe(Key)?.Verdict == ProbeVerdict.Passing);
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(changes.Count >= 3);
    }

    /// <summary>Moves the fake clock a second at a time until the condition holds (the loop runs on its own thread).</summary>
    private async Task UntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
            if (!condition()) time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.True(condition());
    }

    public async ValueTask DisposeAsync()
    {
        runner.Dispose();
        await service.DisposeAsync();
    }

    private sealed class ThrowingRunner : IProbeRunner
    {
        public Task<ProbeAttempt> RunAsync(ReadinessProbeSpec probe, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a runner's own bug");
    }

    /// <summary>A runner whose probes wait until the test releases them; it records how many ran at once.</summary>
    private sealed class GateRunner : IProbeRunner
    {
        private readonly Lock gate = new();
        private readonly Queue<TaskCompletionSource<bool>> waiting = new();
        private readonly List<(int Count, TaskCompletionSource Signal)> watchers = [];
        private int entered;
        private int inFlight;

        public int MaxInFlight { get; private set; }

        public async Task<ProbeAttempt> RunAsync(ReadinessProbeSpec probe, CancellationToken cancellationToken)
        {
            var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (gate)
            {
                waiting.Enqueue(release);
                entered++;
                MaxInFlight = Math.Max(MaxInFlight, ++inFlight);
                foreach (var w in watchers.Where(w => entered >= w.Count)) w.Signal.TrySetResult();
            }
            var success = await release.Task;
            lock (gate) inFlight--;
            return new ProbeAttempt(success, success ? "ok" : "refused", TimeSpan.Zero);
        }

        public Task Entered(int count)
        {
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (gate)
            {
                if (entered >= count) return Task.CompletedTask;
                watchers.Add((count, signal));
            }
            return signal.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        public void ReleaseOne(bool success)
        {
            lock (gate) if (waiting.TryDequeue(out var r)) r.TrySetResult(success);
        }

        public void ReleaseAll(bool success)
        {
            lock (gate) while (waiting.TryDequeue(out var r)) r.TrySetResult(success);
        }
    }
}
