using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Probing;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Scheduling.ScheduleRows;
using ServerPower.Providers.Outbound;
using ServerPower.Operator.Endpoints;
using ServerPower.Operator.Tests.Probing;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>
/// Rows for the mutants of the reconcilers and the provider resolution that survived the 13:22Z mutation run: a
/// schedule's Ready message and transition events, the account held for deletions, and a server that is gone or being
/// deleted is no longer probed.
/// </summary>
public sealed class SurvivingMutantTests
{
    private const string Ns = ReconcilerFixture.Ns;

    // ---- PowerSchedule ----

    [Fact]
    public async Task A_schedule_says_what_it_read_and_its_transitions_are_normal_events_with_or_without_a_change_ahead()
    {
        var f = new ReconcilerFixture();
        var schedules = new InMemoryScheduleClient();
        var reconciler = new PowerScheduleReconciler(schedules, f, f.Time, NullLogger<PowerScheduleReconciler>.Instance);
        var key = new ObjectKey(Ns, "office-hours");
        f.Time.Advance(Utc("2026-11-23T06:00:00Z") - f.Time.GetUtcNow());
        schedules.Put(InMemoryScheduleClient.Make(key.Namespace, key.Name, Spec("Europe/Berlin", "Mon,Tue,Wed,Thu,Fri 08:00-18:00")));

        await reconciler.ReconcileAsync(key, CancellationToken.None);
        Assert.Equal("1 window(s) and 0 exception(s) in Europe/Berlin: Stopped now, until 2026-11-23T07:00:00Z", Ready().Message);

        var always = schedules.Schedule(key.Namespace, key.Name);
        always.Spec = Spec("Europe/Berlin", "* 00:00-00:00");
        always.Metadata.Generation = 2;
        schedules.Put(always);
        await reconciler.ReconcileAsync(key, CancellationToken.None);

        Assert.Equal("1 window(s) and 0 exception(s) in Europe/Berlin: Running now, with no change ahead", Ready().Message);
        Assert.Equal([(false, "Transition", "the schedule says Running now (was Stopped); no change ahead")], f.Events);

        Condition Ready() => schedules.Schedule(key.Namespace, key.Name).Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
    }

    // ---- the account held for deletions ----

    [Fact]
    public async Task A_deleted_PowerProvider_keeps_its_held_account_and_refused_credentials_drop_it()
    {
        var released = new ReconcilerFixture();
        await HoldThenRemove(released);
        released.Resolver.Release(Ns, "main");
        var (afterRelease, because) = await released.Resolver.ResolveForDeletionAsync(Ns, "main", released.Time.GetUtcNow(), CancellationToken.None);
        Assert.IsType<ProviderResolution.Usable>(afterRelease);
        Assert.NotNull(because);

        var forgotten = new ReconcilerFixture();
        await HoldThenRemove(forgotten);
        forgotten.Resolver.Forget(Ns, "main");
        var (afterForget, _) = await forgotten.Resolver.ResolveForDeletionAsync(Ns, "main", forgotten.Time.GetUtcNow(), CancellationToken.None);
        Assert.Equal(Reasons.ProviderNotFound, Assert.IsType<ProviderResolution.Unusable>(afterForget).Reason);

        static async Task HoldThenRemove(ReconcilerFixture f)
        {
            var usable = Assert.IsType<ProviderResolution.Usable>(await f.Resolver.ResolveAsync(Ns, "main", CancellationToken.None));
            f.Resolver.Hold(Ns, "main", usable, f.Time.GetUtcNow());
            f.Kube.RemoveProviderAndSecret(Ns, "main", "token");
        }
    }

    // ---- probes of servers that go away ----

    [Fact]
    public async Task A_server_that_is_gone_is_no_longer_probed()
    {
        var (f, prober, reconciler) = Probed();
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        Assert.Equal(1, prober.Count);

        // Deleted with a finalizer of someone else's, which is then removed: the object is gone.
        DeleteHeldByAnotherFinalizer(f);
        await f.Kube.SetServerFinalizersAsync(f.Server, [], CancellationToken.None);
        Assert.False(f.Kube.HasServer(Ns, ReconcilerFixture.Key.Name));

        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        Assert.Equal(0, prober.Count);
    }

    [Fact]
    public async Task A_server_being_deleted_is_no_longer_probed()
    {
        var (f, prober, reconciler) = Probed();
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        Assert.Equal(1, prober.Count);

        DeleteHeldByAnotherFinalizer(f);
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);

        Assert.True(f.Kube.HasServer(Ns, ReconcilerFixture.Key.Name));
        Assert.Equal(0, prober.Count);
    }

    /// <summary>Marks the server deleted while a finalizer that is not ours holds it.</summary>
    private static void DeleteHeldByAnotherFinalizer(ReconcilerFixture f) => f.Edit(s =>
    {
        s.Metadata.Finalizers = ["example.com/backup"];
        s.Metadata.DeletionTimestamp = f.Time.GetUtcNow().UtcDateTime;
    });

    private static (ReconcilerFixture F, ReadinessProber Prober, ServerPowerReconciler Reconciler) Probed()
    {
        var f = new ReconcilerFixture();
        var prober = new ReadinessProber(new ProbeRunner(f.Time, new OutboundConnector(OutboundPolicy.AllowingLoopback)), new ProbeTargetPolicy(EndpointPolicy.Default), CallbackServerQueue.None, f.Time, NullLogger<ReadinessProber>.Instance, new ProberOptions());
        var reconciler = new ServerPowerReconciler(f.Kube, f.Resolver, f, f.Time, f.Settings, NullLogger<ServerPowerReconciler>.Instance, prober);
        // Tracked only; never probed here (no probe is started), so the port need not listen.
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s => s.Spec = s.Spec with
        {
            ReadinessProbe = new ReadinessProbeSpec { TcpSocket = new TcpSocketProbe { Host = "127.0.0.1", Port = 9 } },
        });
        return (f, prober, reconciler);
    }
}
