using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Operator.Endpoints;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Tests.Reconciliation;

public sealed class PowerProviderReconcilerTests
{
    private readonly ReconcilerFixture f = new();
    private static readonly ObjectKey Key = new(ReconcilerFixture.Ns, "main");

    private PowerProviderReconciler Reconciler(EndpointPolicy? policy = null) =>
        new(f.Kube, new ProviderResolver(f.Kube, f.Provider, policy ?? EndpointPolicy.Default), f.Time, f.Settings,
            NullLogger<PowerProviderReconciler>.Instance);

    private Condition? Ready => Conditions.Find(f.Kube.Provider(ReconcilerFixture.Ns, "main").Status?.Conditions, ConditionTypes.Ready);

    [Fact]
    public async Task A_probe_that_answers_makes_it_Ready_once()
    {
        await Reconciler().ReconcileAsync(Key, CancellationToken.None);
        Assert.Equal(("True", Reasons.ProviderReady), (Ready?.Status, Ready?.Reason));
        Assert.Single(f.Kube.Writes, w => w == "provider-status:main");
        var writes = f.Kube.Writes.Count;

        f.Time.Advance(TimeSpan.FromMinutes(5));
        var again = await Reconciler().ReconcileAsync(Key, CancellationToken.None);
        Assert.Equal(writes, f.Kube.Writes.Count);
        Assert.Equal(ReconcileResult.Done, again); // left to the resync, not polled as a held-back probe
    }

    [Fact]
    public async Task Credentials_gone_after_a_Ready_probe_are_reported_at_once()
    {
        await Reconciler().ReconcileAsync(Key, CancellationToken.None);
        f.Kube.PutSecret(ReconcilerFixture.Ns, "token", "token", "");

        await Reconciler().ReconcileAsync(Key, CancellationToken.None);

        Assert.Equal(("False", Reasons.CredentialsMissing), (Ready?.Status, Ready?.Reason));
    }

    [Fact]
    public async Task Missing_credentials_are_CredentialsMissing_without_the_secret_in_the_message()
    {
        f.Kube.PutSecret(ReconcilerFixture.Ns, "token", "token", "");
        var result = await Reconciler().ReconcileAsync(Key, CancellationToken.None);
        Assert.Equal(("False", Reasons.CredentialsMissing), (Ready?.Status, Ready?.Reason));
        Assert.Equal(f.Settings.MaxPoll, result.RequeueAfter);
        Assert.Empty(f.Provider.Accounts);
    }

    [Fact]
    public async Task A_host_outside_the_allowlist_is_EndpointNotAllowed()
    {
        await Reconciler(new EndpointPolicy(false, false, ["api.example.org"])).ReconcileAsync(Key, CancellationToken.None);
        Assert.Equal(("False", Reasons.EndpointNotAllowed), (Ready?.Status, Ready?.Reason));
        Assert.Empty(f.Provider.Accounts);
    }

    private static readonly ProviderOutcome HeldBack =
        ProviderOutcome.Refused(OutcomeKind.RateLimited, "no token of this account's rate limit", TimeSpan.FromMilliseconds(5)) with { OwnLimit = true };

    private PowerProviderReconciler Reconciler(ReconcilerRows.RecordingProvider provider) =>
        new(f.Kube, new ProviderResolver(f.Kube, provider, EndpointPolicy.Default), f.Time, f.Settings, NullLogger<PowerProviderReconciler>.Instance);

    /// <summary>While 10,000 servers started, PowerProviders turned RateLimited and back: two writes for a probe never sent.</summary>
    [Fact]
    public async Task A_probe_the_accounts_own_rate_limit_held_back_leaves_the_condition_as_it_was()
    {
        var provider = new ReconcilerRows.RecordingProvider(ProviderType.Wenium, ReconcilerRows.Wenium);
        var reconciler = Reconciler(provider);
        await reconciler.ReconcileAsync(Key, CancellationToken.None);
        var writes = f.Kube.Writes.Count;

        provider.ProbeAnswer = HeldBack;
        var result = await reconciler.ReconcileAsync(Key, CancellationToken.None);

        Assert.Equal(("True", Reasons.ProviderReady), (Ready?.Status, Ready?.Reason));
        Assert.Equal(writes, f.Kube.Writes.Count);
        Assert.Equal(f.Settings.MinPoll, result.RequeueAfter);
    }

    [Fact]
    public async Task A_probe_held_back_after_the_spec_changed_is_reported()
    {
        var provider = new ReconcilerRows.RecordingProvider(ProviderType.Wenium, ReconcilerRows.Wenium);
        var reconciler = Reconciler(provider);
        await reconciler.ReconcileAsync(Key, CancellationToken.None);
        var changed = f.Kube.Provider(ReconcilerFixture.Ns, "main");
        changed.Metadata.Generation = 2;
        f.Kube.Put(changed);

        provider.ProbeAnswer = HeldBack;
        await reconciler.ReconcileAsync(Key, CancellationToken.None);

        Assert.Equal(("False", Reasons.RateLimited, 2L), (Ready?.Status, Ready?.Reason, Ready?.ObservedGeneration));
    }

    [Fact]
    public async Task A_probe_held_back_before_any_answer_is_reported()
    {
        var provider = new ReconcilerRows.RecordingProvider(ProviderType.Wenium, ReconcilerRows.Wenium) { ProbeAnswer = HeldBack };

        await Reconciler(provider).ReconcileAsync(Key, CancellationToken.None);

        Assert.Equal(("False", Reasons.RateLimited), (Ready?.Status, Ready?.Reason));
    }
}
