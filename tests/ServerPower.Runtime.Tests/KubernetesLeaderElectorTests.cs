using System.Collections.Concurrent;
using System.Net;
using k8s.Autorest;
using k8s.LeaderElection;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

/// <summary>The product's adapter over KubernetesClient's LeaderElector, which runs on real time: short periods.</summary>
public sealed class KubernetesLeaderElectorTests
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Handlers_added_reach_the_elector_s_events_and_handlers_removed_do_not()
    {
        var fakeLock = new FakeLock("me");
        fakeLock.Fail(LockOperation.Get, 1, Unavailable); // KubernetesClient reports it through OnError and retries
        using var elector = new KubernetesLeaderElector(new LeaderElectionConfig(fakeLock)
        {
            LeaseDuration = TimeSpan.FromSeconds(2),
            RenewDeadline = TimeSpan.FromSeconds(1),
            RetryPeriod = TimeSpan.FromMilliseconds(100),
        });
        var kept = new ConcurrentQueue<string>();
        var removed = new ConcurrentQueue<string>();
        Action removedStarted = () => removed.Enqueue("started");
        Action removedStopped = () => removed.Enqueue("stopped");
        Action<string> removedLeader = leader => removed.Enqueue($"leader {leader}");
        Action<Exception> removedError = e => removed.Enqueue("error");
        elector.OnStartedLeading += removedStarted;
        elector.OnStoppedLeading += removedStopped;
        elector.OnNewLeader += removedLeader;
        elector.OnError += removedError;
        elector.OnStartedLeading -= removedStarted;
        elector.OnStoppedLeading -= removedStopped;
        elector.OnNewLeader -= removedLeader;
        elector.OnError -= removedError;
        elector.OnError += e => kept.Enqueue(e is HttpOperationException { Response.StatusCode: HttpStatusCode.ServiceUnavailable } ? "error 503" : "error");
        elector.OnNewLeader += leader => kept.Enqueue($"leader {leader}");
        elector.OnStartedLeading += () =>
        {
            kept.Enqueue("started");
            fakeLock.Close(); // renewals fail from now on: leadership ends at the renew deadline
        };
        elector.OnStoppedLeading += () => kept.Enqueue("stopped");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct); // ends the renew loop left running

        await elector.RunUntilLeadershipLostAsync(stop.Token).WaitAsync(Eventually.Deadline, Ct);

        Assert.Equal(["error 503", "leader me", "started", "stopped"], kept.Where(e => e != "leader someone-else"));
        Assert.Empty(removed);
        await stop.CancelAsync();
    }

    private static HttpOperationException Unavailable() => new("service unavailable")
    {
        Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable), string.Empty),
    };
}
