using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Ordering;
using ServerPower.Operator.Reconciliation;
using ServerPower.Providers.Contract;
using ServerPower.Operator.Probing;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>
/// A reconcile whose decision throws (a defect: a value the API accepts that some parse did not expect) says so in
/// Synced and an event, and never blocks a deletion (a value that crashed every reconcile once kept a namespace
/// deletion waiting forever).
/// </summary>
public sealed class DecisionFailureTests
{
    /// <summary>A graph that throws; <paramref name="before"/> runs first (e.g. another writer changing the object).</summary>
    private sealed class BrokenGraph(Action? before = null) : IServerGraph
    {
        public ServerPowerResource? Get(string ns, string name) => throw Broken(name);

        public IReadOnlyList<ServerPowerResource> Dependents(string ns, string name) => throw Broken(name);

        private ArgumentOutOfRangeException Broken(string name)
        {
            before?.Invoke();
            return new ArgumentOutOfRangeException(nameof(name), "broken on purpose");
        }
    }

    private static (ReconcilerFixture F, ServerPowerReconciler Reconciler) Broken()
    {
        var f = new ReconcilerFixture();
        return (f, f.ReconcilerWith(order: new StartOrder(new BrokenGraph(), f.Kube)));
    }

    [Fact]
    public async Task A_decision_that_throws_is_reported_in_Synced_and_backs_off()
    {
        var (f, reconciler) = Broken();
        var last = new LastAction { Type = ActionType.Start, RequestTime = f.Time.GetUtcNow().AddMinutes(-5), Result = ActionResult.Accepted, Message = "ok" };
        f.AddServer(DesiredPowerState.Stopped, PowerState.Running, s =>
        {
            s.Spec = s.Spec with { StartAfter = ["db"] };
            s.Status = new ServerPowerStatus { ObservedGeneration = 1, PowerState = PowerState.Running, LastAction = last };
        });
        var result = await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        Assert.True(result.Failed);
        Assert.Empty(f.Provider.Sent);
        // Only Synced says so: what was recorded before (the last action, the state read) is kept.
        Assert.Equal((PowerState.Running, last), (f.Server.Status?.PowerState, f.Server.Status?.LastAction));
        var synced = f.Condition(ConditionTypes.Synced);
        Assert.Equal((ConditionStatus.False, Reasons.ReconcileError), (synced?.Status, synced?.Reason));
        Assert.Contains("ArgumentOutOfRangeException", synced?.Message, StringComparison.Ordinal);
        Assert.Contains(f.Events, e => e.Warning && e.Reason == Reasons.ReconcileError);
    }

    /// <summary>Synced is written checked against the resourceVersion decided from: a newer write makes it a conflict.</summary>
    [Fact]
    public async Task A_failed_decision_never_overwrites_a_newer_write()
    {
        var f = new ReconcilerFixture();
        var reconciler = f.ReconcilerWith(order: new StartOrder(new BrokenGraph(() => f.Kube.Put(f.Server)), f.Kube));
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s => s.Spec = s.Spec with { StartAfter = ["db"] });

        var result = await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);

        Assert.True(result.Conflict);
        Assert.Null(f.Condition(ConditionTypes.Synced));
    }

    [Fact]
    public async Task A_deletion_goes_on_even_when_the_decision_throws()
    {
        var (f, reconciler) = Broken();
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s =>
        {
            s.Spec = s.Spec with { StartAfter = ["db"], DeletionPolicy = DeletionPolicy.Stop };
            s.Metadata.Finalizers = [Annotations.StopFinalizer];
            s.Metadata.DeletionTimestamp = f.Time.GetUtcNow().UtcDateTime;
        });
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        Assert.False(f.Kube.HasServer(ReconcilerFixture.Ns, ReconcilerFixture.Key.Name));
        Assert.Contains(f.Events, e => e.Warning && e.Reason == "FinalizerReleased" && e.Message.Contains("could not decide", StringComparison.Ordinal));
    }
}
