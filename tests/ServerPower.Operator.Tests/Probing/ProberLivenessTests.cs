using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Operator.Probing;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Sandbox.Services;
using ServerPower.Providers.Outbound;
using ServerPower.Operator.Endpoints;

namespace ServerPower.Operator.Tests.Probing;

/// <summary>
/// The prober's own schedule on the real clock while results keep changing: it never stops probing. Its wake-up was a
/// SemaphoreSlim whose release a just-cancelled wait could take, after which no probe ran again (the end-to-end test of
/// start order saw Ready stay True with the service down); this test found that within 40 s in half of its runs.
/// </summary>
public sealed class ProberLivenessTests
{
    [Fact]
    public async Task Probing_never_stops_while_the_results_change()
    {
        Assert.SkipWhen(MutationRun.Mutated(typeof(ReadinessProber).Assembly), MutationRun.SkipReason);
        await using var service = ServiceListener.Start();
        var key = new ObjectKey("games", "mc");
        var probe = new ReadinessProbeSpec
        {
            HttpGet = new HttpGetProbe { Url = $"http://127.0.0.1:{service.Port}/" }, PeriodSeconds = 1, FailureThreshold = 1,
        };
        using var runner = new ProbeRunner(TimeProvider.System, new OutboundConnector(OutboundPolicy.AllowingLoopback));
        ReadinessProber? prober = null;
        // A change makes the reconciler track the same probe again, as the operator does.
        var queue = new CallbackServerQueue(k => Task.Run(() => prober!.Track(k, probe, null)));
        prober = new ReadinessProber(runner, new ProbeTargetPolicy(new EndpointPolicy(true, true, [])), queue, TimeProvider.System,
            NullLogger<ReadinessProber>.Instance, new ProberOptions());
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var schedule = Task.Run(() => prober.RunAsync(stop.Token), TestContext.Current.CancellationToken);
        prober.Track(key, probe, null);

        var seen = service.Accepted;
        var lastProbe = DateTime.UtcNow;
        var end = DateTime.UtcNow.AddSeconds(40);
        for (var i = 0; DateTime.UtcNow < end; i++)
        {
            await Task.Delay(Random.Shared.Next(50, 1500), TestContext.Current.CancellationToken);
            service.StatusCode = i % 2 == 0 ? 503 : 200;
            if (service.Accepted != seen) (seen, lastProbe) = (service.Accepted, DateTime.UtcNow);
            // Probes come every second; a silence of 15 s is a stopped schedule, not a slow machine.
            Assert.True(DateTime.UtcNow - lastProbe < TimeSpan.FromSeconds(15), $"no probe for 15 s after {seen} probes");
        }

        await stop.CancelAsync();
        await schedule;
    }
}
