using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Providers.Contract;
using ServerPower.Runtime;
using static ServerPower.Operator.Tests.Reconciliation.ReconcilerRows;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>The PowerProvider reconciler: Ready names its endpoint or the provider's words; a deleted one is done without a write.</summary>
public sealed class PowerProviderRuleTests
{
    [Fact]
    public async Task A_deleted_PowerProvider_is_done_without_a_write()
    {
        var f = new ReconcilerFixture();
        var gone = new ObjectKey(Ns, "gone");
        var result = await ProviderReconciler(f, f.Provider).ReconcileAsync(gone, CancellationToken.None);
        Assert.Equal(ReconcileResult.Done, result);
        Assert.Empty(f.Kube.Writes);
    }

    [Fact]
    public async Task A_ready_PowerProvider_names_its_endpoint_and_is_left_to_the_resync()
    {
        var f = new ReconcilerFixture();
        var result = await ProviderReconciler(f, f.Provider).ReconcileAsync(new ObjectKey(Ns, "main"), CancellationToken.None);
        Assert.Equal(ReconcileResult.Done, result);
        var ready = ProviderReady(f);
        Assert.Equal(("True", Reasons.ProviderReady), (ready?.Status, ready?.Reason));
        Assert.Contains("https://provider.example.com/api", ready?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_probe_makes_the_PowerProvider_not_Ready_with_the_providers_words()
    {
        var f = new ReconcilerFixture();
        var provider = new RecordingProvider(ProviderType.Wenium, Wenium) { ProbeAnswer = new ProviderOutcome(OutcomeKind.Unauthorized, "token revoked") };
        var result = await ProviderReconciler(f, provider).ReconcileAsync(new ObjectKey(Ns, "main"), CancellationToken.None);
        var ready = ProviderReady(f);
        Assert.Equal(("False", Reasons.Unauthorized), (ready?.Status, ready?.Reason));
        Assert.Contains("token revoked", ready?.Message, StringComparison.Ordinal);
        Assert.Equal(f.Settings.MaxPoll, result.RequeueAfter);
    }
}
