using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Operator.Endpoints;

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
        await Reconciler().ReconcileAsync(Key, CancellationToken.None);
        Assert.Equal(writes, f.Kube.Writes.Count);
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
}
