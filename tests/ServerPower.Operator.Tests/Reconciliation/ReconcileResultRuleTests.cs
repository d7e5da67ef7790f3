using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Reconciliation;
using ServerPower.Providers.Contract;
using ServerPower.Runtime;
using static ServerPower.Operator.Tests.Reconciliation.ReconcilerRows;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>What the work queue is told: a failure with the Synced message; a requeue as far out as the resync is left to the resync.</summary>
public sealed class ReconcileResultRuleTests
{
    [Fact]
    public async Task A_failed_reconcile_reports_the_Synced_message_to_the_work_queue()
    {
        var (f, provider, reconciler) = Wired();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        provider.ReadFailure = new ProviderOutcome(OutcomeKind.Unavailable, "503 from upstream");

        var result = await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);

        Assert.True(result.Failed);
        Assert.Equal(f.Condition(ConditionTypes.Synced)?.Message, result.Error);
        Assert.Contains("503 from upstream", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_requeue_as_far_out_as_the_resync_is_left_to_the_resync()
    {
        var settings = new DecisionSettings(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));
        Assert.Equal(ReconcileResult.Done, ServerPowerReconciler.Requeue(settings.ResyncPeriod, settings));
        Assert.Equal(ReconcileResult.After(TimeSpan.FromMinutes(4)), ServerPowerReconciler.Requeue(TimeSpan.FromMinutes(4), settings));
    }
}
