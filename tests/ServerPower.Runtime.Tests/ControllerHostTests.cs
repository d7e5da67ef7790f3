using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Operator.Runtime;

namespace ServerPower.Runtime.Tests;

public sealed class ControllerHostTests
{
    private static readonly ObjectKey S1 = new("ns", "s1");
    private static readonly ObjectKey S2 = new("ns", "s2");
    private static readonly ObjectKey S3 = new("elsewhere", "s3");
    private static readonly ObjectKey Acme = new("ns", "acme");
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Provider_changes_reach_its_servers_and_status_only_updates_do_not_reconcile()
    {
        var servers = new FakeListWatcher<ServerPowerResource>
        {
            ListResult = (_, _) => new([
                Resources.Server("ns", "s1", "1", provider: "acme"),
                Resources.Server("ns", "s2", "2", provider: "other"),
                Resources.Server("elsewhere", "s3", "3", provider: "acme"),
            ], "10", null),
        };
        var providers = new FakeListWatcher<PowerProviderResource>
        {
            ListResult = (_, _) => new([Resources.Provider("ns", "acme", "4")], "10", null),
        };
        var options = new ControllerHostOptions { LeaderElection = new LeaderElectionOptions { Enabled = false } };
        var host = new ControllerHost(options, servers, providers,
            new LeaderElection(options.LeaderElection, null, NullLogger.Instance), NullLoggerFactory.Instance);
        var serverReconciler = new RecordingReconciler();
        var providerReconciler = new RecordingReconciler((key, _, _) =>
        {
            host.EnqueueServersOf(key);
            return Task.FromResult(ReconcileResult.Done);
        });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var run = host.RunAsync(serverReconciler, providerReconciler, cts.Token);
        await Eventually.Until(() => host.HasSynced && host.LeaderElection.IsLeader && providerReconciler.Calls(Acme) >= 1
            && serverReconciler.Calls(S1) >= 1 && serverReconciler.Calls(S2) >= 1 && serverReconciler.Calls(S3) >= 1
            && Quiet(host), "initial reconciles");
        Assert.Equal(["s1"], host.ServersForProvider(Acme).Select(s => s.Metadata.Name));
        var (s1, s2, s3) = (serverReconciler.Calls(S1), serverReconciler.Calls(S2), serverReconciler.Calls(S3));

        host.EnqueueProvider(Acme);
        await Eventually.Until(() => serverReconciler.Calls(S1) == s1 + 1 && Quiet(host), "server of the provider re-reconciled");
        Assert.Equal(s2, serverReconciler.Calls(S2));
        Assert.Equal(s3, serverReconciler.Calls(S3));

        var watch = servers.Watch(0);
        watch.Send(WatchEventKind.Modified, Resources.Server("ns", "s1", "20", provider: "acme", power: PowerState.Stopped));
        watch.Send(WatchEventKind.Modified, Resources.Server("ns", "s2", "21", generation: 2, provider: "other"));
        await Eventually.Until(() => serverReconciler.Calls(S2) == s2 + 1 && Quiet(host), "generation change reconciled");
        Assert.Equal(s1 + 1, serverReconciler.Calls(S1));

        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
        Assert.True(host.ServerQueue.IsShuttingDown);
    }

    private static bool Quiet(ControllerHost host) =>
        host.ServerQueue.Length == 0 && host.ProviderQueue.Length == 0
        && !host.ServerQueue.IsProcessing(S1) && !host.ServerQueue.IsProcessing(S2) && !host.ServerQueue.IsProcessing(S3)
        && !host.ProviderQueue.IsProcessing(Acme);
}
