using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Tests.Tables;
using ServerPower.Providers.Contract;
using ServerPower.Runtime;
using static ServerPower.Operator.Tests.Reconciliation.ReconcilerRows;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>The PowerProvider reconciler: Ready names its endpoint or the provider's words; a deleted one is done without a write.</summary>
public sealed class PowerProviderRuleTests
{
    /// <summary>Reconciles the PowerProvider <paramref name="name"/> with <paramref name="provider"/> (null: the fixture's) as the provider edge.</summary>
    private static async Task<(ReconcilerFixture F, ReconcileResult Result)> Reconcile(string name, IPowerProviderFactory? provider = null)
    {
        var f = new ReconcilerFixture();
        return (f, await ProviderReconciler(f, provider ?? f.Provider).ReconcileAsync(new ObjectKey(Ns, name), CancellationToken.None));
    }

    public static IEnumerable<TheoryDataRow<AsyncRow<(ReconcilerFixture F, ReconcileResult Result)>>> Rows => Table.OfAsync<(ReconcilerFixture F, ReconcileResult Result)>(
    [
        new("A deleted PowerProvider is done without a write",
            () => Reconcile("gone"),
            r =>
            {
                Assert.Equal(ReconcileResult.Done, r.Result);
                Assert.Empty(r.F.Kube.Writes);
            }),
        new("A ready PowerProvider names its endpoint and is left to the resync",
            () => Reconcile("main"),
            r =>
            {
                Assert.Equal(ReconcileResult.Done, r.Result);
                var ready = ProviderReady(r.F);
                Assert.Equal(("True", Reasons.ProviderReady), (ready?.Status, ready?.Reason));
                Assert.Contains("https://provider.example.com/api", ready?.Message, StringComparison.Ordinal);
            }),
        new("A refused probe makes the PowerProvider not Ready with the provider's words",
            () => Reconcile("main", new RecordingProvider(ProviderType.Wenium, Wenium) { ProbeAnswer = new ProviderOutcome(OutcomeKind.Unauthorized, "token revoked") }),
            r =>
            {
                var ready = ProviderReady(r.F);
                Assert.Equal(("False", Reasons.Unauthorized), (ready?.Status, ready?.Reason));
                Assert.Contains("token revoked", ready?.Message, StringComparison.Ordinal);
                Assert.Equal(r.F.Settings.MaxPoll, r.Result.RequeueAfter);
            }),
    ]);

    [Theory, MemberData(nameof(Rows))]
    public Task Holds(AsyncRow<(ReconcilerFixture F, ReconcileResult Result)> row) => row.RunAsync();
}
