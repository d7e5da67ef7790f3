using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Operator.Probing;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Operator.Endpoints;

namespace ServerPower.Operator.Tests.Probing;

/// <summary>
/// A tenant flooding the prober with slow probes does not hold back another namespace's probe: measured in scheduling
/// turns (probes started, and probes finished to free a slot), never in wall time. Probes hang in a stand-in runner until
/// the test lets them finish, one at a time.
/// </summary>
public sealed class NamespaceFairnessTests : IDisposable
{
    private readonly FakeTimeProvider time = new();
    private readonly HangingRunner runner = new();
    private readonly CancellationTokenSource stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

    public void Dispose()
    {
        stop.Cancel();
        stop.Dispose();
    }

    private ReadinessProber Prober(int concurrency, int perNamespace) =>
        new(runner, new ProbeTargetPolicy(EndpointPolicy.Default), CallbackServerQueue.None, time, NullLogger<ReadinessProber>.Instance,
            new ProberOptions { MaxConcurrency = concurrency, MaxPerNamespace = perNamespace });

    private static ReadinessProbeSpec Probe(string ns) => new() { TcpSocket = new TcpSocketProbe { Host = $"{ns}.example", Port = 80 } };

    /// <summary>
    /// Floods first, then (a moment later on the clock, so last in the due order) one probe of namespace "quiet"; starts
    /// them all and lets each reach its slot, in due order, before returning: the probes' first step (a yield) runs on a
    /// queue this test drains itself, so where each one waits does not depend on the thread pool's timing.
    /// </summary>
    private void Flood(ReadinessProber prober, int each, params string[] floods)
    {
        foreach (var ns in floods)
        {
            for (var i = 0; i < each; i++) prober.Track(new ObjectKey(ns, $"s{i}"), Probe(ns), null);
        }
        time.Advance(TimeSpan.FromMilliseconds(1));
        prober.Track(new ObjectKey("quiet", "s0"), Probe("quiet"), null);
        var previous = SynchronizationContext.Current;
        var steps = new StepQueue();
        SynchronizationContext.SetSynchronizationContext(steps);
        try
        {
            _ = prober.StartDue(stop.Token);
            steps.RunAll();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    [Fact]
    public async Task With_shared_slots_to_spare_a_flooding_namespace_delays_another_by_no_turn_at_all()
    {
        var prober = Prober(concurrency: 4, perNamespace: 2);
        Flood(prober, 50, "flood");

        var first = new[] { await runner.NextStartAsync(), await runner.NextStartAsync(), await runner.NextStartAsync() };

        Assert.Equal(["flood", "flood", "quiet"], first.Order(StringComparer.Ordinal));
        Assert.Equal(2, runner.MaxInFlight("flood"));
    }

    [Fact]
    public async Task With_every_shared_slot_taken_another_namespace_starts_within_one_turn_per_flooding_namespace()
    {
        string[] floods = ["flood-a", "flood-b", "flood-c"];
        var prober = Prober(concurrency: 2, perNamespace: 1);
        Flood(prober, 20, floods);
        var started = new List<string> { await runner.NextStartAsync(), await runner.NextStartAsync() };

        var turns = 0;
        while (!started.Contains("quiet"))
        {
            Assert.True(turns < 60, "quiet never started");
            runner.FinishOldest();
            turns++;
            started.Add(await runner.NextStartAsync());
        }

        Assert.InRange(turns, 0, floods.Length);
        Assert.All(floods, ns => Assert.Equal(1, runner.MaxInFlight(ns)));
    }

    /// <summary>Work posted to it waits until <see cref="RunAll"/> runs it, in order, on the test's thread.</summary>
    private sealed class StepQueue : SynchronizationContext
    {
        private readonly ConcurrentQueue<(SendOrPostCallback Step, object? State)> steps = new();

        public override void Post(SendOrPostCallback d, object? state) => steps.Enqueue((d, state));

        public void RunAll()
        {
            while (steps.TryDequeue(out var step)) step.Step(step.State);
        }
    }

    /// <summary>Each probe hangs until <see cref="FinishOldest"/>; starts are announced in order, per namespace (the probe's host).</summary>
    private sealed class HangingRunner : IProbeRunner
    {
        private readonly Lock gate = new();
        private readonly Queue<TaskCompletionSource> running = new();
        private readonly Dictionary<string, (int Now, int Max)> inFlight = new(StringComparer.Ordinal);
        private readonly SemaphoreSlim startedSignal = new(0);
        private readonly ConcurrentQueue<string> started = new();

        public async Task<ProbeAttempt> RunAsync(ReadinessProbeSpec probe, CancellationToken cancellationToken)
        {
            var ns = probe.TcpSocket!.Host[..^".example".Length];
            var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (gate)
            {
                running.Enqueue(finish);
                var (now, max) = inFlight.GetValueOrDefault(ns);
                inFlight[ns] = (now + 1, Math.Max(max, now + 1));
            }
            started.Enqueue(ns);
            startedSignal.Release();
            try
            {
                await finish.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                lock (gate) inFlight[ns] = (inFlight[ns].Now - 1, inFlight[ns].Max);
            }
            return new ProbeAttempt(true, "ok", TimeSpan.Zero);
        }

        /// <summary>The namespace of the next probe to start (a liveness guard only, not a timing assertion).</summary>
        public async Task<string> NextStartAsync()
        {
            Assert.True(await startedSignal.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), "no further probe started");
            Assert.True(started.TryDequeue(out var ns));
            return ns;
        }

        public void FinishOldest()
        {
            lock (gate) running.Dequeue().SetResult();
        }

        public int MaxInFlight(string ns)
        {
            lock (gate) return inFlight.GetValueOrDefault(ns).Max;
        }
    }
}
