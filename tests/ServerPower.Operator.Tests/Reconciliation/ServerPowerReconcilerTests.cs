using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Tests.Reconciliation;

public sealed class ServerPowerReconcilerTests
{
    [Fact]
    public async Task A_settled_server_costs_zero_writes_per_resync()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        await f.ReconcileAsync();
        Assert.Equal("True", f.Condition(ConditionTypes.Ready)?.Status);
        var writes = f.Kube.Writes.Count;

        for (var i = 0; i < 5; i++)
        {
            f.Time.Advance(TimeSpan.FromMinutes(5));
            var result = await f.ReconcileAsync();
            Assert.False(result.Failed);
        }

        Assert.Equal(writes, f.Kube.Writes.Count);
        Assert.Empty(f.Provider.Sent);
        Assert.Equal(6, f.Provider.Reads);
    }

    [Fact]
    public async Task A_stopped_server_declared_running_is_started_once_and_status_follows()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Stopped);

        await f.ReconcileAsync();
        Assert.Equal([("1234", ActionType.Start)], f.Provider.Sent);
        Assert.Equal(ActionType.Start, f.Server.Status?.LastAction?.Type);
        Assert.Equal("False", f.Condition(ConditionTypes.Ready)?.Status);

        f.Provider.Servers["1234"] = new ObservedServer(PowerState.Starting, "starting");
        f.Time.Advance(TimeSpan.FromSeconds(2));
        await f.ReconcileAsync();
        Assert.Single(f.Provider.Sent);

        f.Provider.Servers["1234"] = new ObservedServer(PowerState.Running, "running");
        f.Time.Advance(TimeSpan.FromSeconds(2));
        await f.ReconcileAsync();
        Assert.Single(f.Provider.Sent);
        Assert.Equal(PowerState.Running, f.Server.Status?.PowerState);
        Assert.Equal(Reasons.InDesiredState, f.Condition(ConditionTypes.Ready)?.Reason);
        Assert.Contains(f.Events, e => !e.Warning);
    }

    [Fact]
    public async Task A_restart_token_is_written_as_Sending_with_resourceVersion_before_the_provider_call()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        await f.ReconcileAsync();
        f.Edit(s => ReconcilerFixture.SetAnnotation(s, ReconcilerFixture.RestartKey, "r1"));

        OneShotStatus? seenWhileSending = null;
        f.Provider.OnSend = _ => seenWhileSending = f.Server.Status?.Restart;
        await f.ReconcileAsync();

        Assert.Equal([("1234", ActionType.Restart)], f.Provider.Sent);
        Assert.NotNull(seenWhileSending);
        Assert.Equal(new OneShotStatus { Token = "r1", Phase = OneShotPhase.Sending }, seenWhileSending with { Message = null, Handled = null });
        Assert.Contains("status+rv:mc", f.Kube.Writes);
        Assert.Equal(OneShotPhase.Done, f.Server.Status?.Restart?.Phase);

        f.Time.Advance(TimeSpan.FromMinutes(5));
        await f.ReconcileAsync();
        Assert.Single(f.Provider.Sent);
    }

    /// <summary>
    /// Every start is recorded (lastAction Uncertain, checked against resourceVersion) before it is sent, whether or not
    /// it replaces a stop still awaiting its effect, and then recorded with its answer.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_start_is_recorded_before_it_is_sent_and_then_with_its_answer(bool replacesAwaitedStop)
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Stopped, s =>
        {
            if (replacesAwaitedStop)
                s.Status = new ServerPowerStatus
                {
                    LastAction = new LastAction { Type = ActionType.Stop, RequestTime = new DateTimeOffset(2026, 11, 22, 9, 59, 0, TimeSpan.Zero), Result = ActionResult.Accepted },
                };
        });
        LastAction? storedWhileSending = null;
        f.Provider.OnSend = _ => storedWhileSending = f.Server.Status?.LastAction;

        await f.ReconcileAsync();

        Assert.Equal([("1234", ActionType.Start)], f.Provider.Sent);
        Assert.Equal((ActionType.Start, ActionResult.Uncertain), (storedWhileSending?.Type, storedWhileSending?.Result));
        Assert.Contains("status+rv:mc", f.Kube.Writes);
        Assert.Equal(ActionResult.Accepted, f.Server.Status?.LastAction?.Result);
    }

    [Fact]
    public async Task A_lost_race_on_the_Sending_write_sends_nothing()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        await f.ReconcileAsync();
        f.Edit(s => ReconcilerFixture.SetAnnotation(s, ReconcilerFixture.RestartKey, "r1"));
        f.Kube.BeforeWrite = write =>
        {
            if (write.StartsWith("status+rv", StringComparison.Ordinal)) f.Kube.Put(f.Server); // someone else wrote first
        };

        var result = await f.ReconcileAsync();

        Assert.Empty(f.Provider.Sent);
        Assert.True(result.Conflict);
    }

    [Fact]
    public async Task A_one_shot_left_in_Sending_by_a_crash_is_Uncertain_and_never_resent()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        await f.ReconcileAsync();
        f.Edit(s => ReconcilerFixture.SetAnnotation(s, ReconcilerFixture.RebuildKey, "b1"));
        var crashed = f.Server;
        crashed.Status = crashed.Status! with { Rebuild = new OneShotStatus { Token = "b1", Phase = OneShotPhase.Sending } };
        f.Kube.Put(crashed);

        await f.ReconcileAsync();
        await f.ReconcileAsync();

        Assert.Empty(f.Provider.Sent);
        Assert.Equal(OneShotPhase.Uncertain, f.Server.Status?.Rebuild?.Phase);
        Assert.Equal("False", f.Condition(ConditionTypes.Ready)?.Status);
        Assert.Contains(f.Events, e => e.Warning);
    }

    [Fact]
    public async Task Missing_credentials_give_CredentialsMissing_and_no_provider_call()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Stopped, s => s.Spec = s.Spec with { ProviderRef = new LocalObjectReference { Name = "main" } });
        f.Kube.PutSecret(ReconcilerFixture.Ns, "token", "token", "");

        await f.ReconcileAsync();

        Assert.Empty(f.Provider.Sent);
        Assert.Equal(Reasons.CredentialsMissing, f.Condition(ConditionTypes.Synced)?.Reason);
        Assert.DoesNotContain("s3cr3t", f.Condition(ConditionTypes.Synced)?.Message ?? "");
    }

    [Fact]
    public async Task A_provider_in_another_namespace_is_never_used()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Stopped, s => s.Spec = s.Spec with { ProviderRef = new LocalObjectReference { Name = "elsewhere" } });

        await f.ReconcileAsync();

        Assert.Empty(f.Provider.Sent);
        Assert.Empty(f.Provider.Accounts);
        Assert.Equal(Reasons.ProviderNotFound, f.Condition(ConditionTypes.Synced)?.Reason);
    }

    [Fact]
    public async Task The_finalizer_exists_only_while_deletionPolicy_is_Stop()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        await f.ReconcileAsync();
        Assert.Null(f.Server.Metadata.Finalizers);

        f.Edit(s => s.Spec = s.Spec with { DeletionPolicy = DeletionPolicy.Stop });
        await f.ReconcileAsync();
        Assert.Equal([Annotations.StopFinalizer], f.Server.Metadata.Finalizers);

        f.Edit(s => s.Spec = s.Spec with { DeletionPolicy = DeletionPolicy.Orphan });
        await f.ReconcileAsync();
        Assert.Empty(f.Server.Metadata.Finalizers!);
    }

    [Fact]
    public async Task Deleting_with_deletionPolicy_Stop_stops_the_server_before_the_object_goes()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s => s.Spec = s.Spec with { DeletionPolicy = DeletionPolicy.Stop });
        await f.ReconcileAsync();
        f.Edit(s => s.Metadata.DeletionTimestamp = f.Time.GetUtcNow().UtcDateTime);

        await f.ReconcileAsync();
        Assert.Equal([("1234", ActionType.Stop)], f.Provider.Sent);
        Assert.True(f.Kube.HasServer(ReconcilerFixture.Ns, "mc"));

        f.Provider.Servers["1234"] = new ObservedServer(PowerState.Stopped, "stopped");
        f.Time.Advance(TimeSpan.FromSeconds(5));
        await f.ReconcileAsync();
        Assert.False(f.Kube.HasServer(ReconcilerFixture.Ns, "mc"));
        Assert.Single(f.Provider.Sent);
    }

    [Fact]
    public async Task A_failed_provider_read_is_a_failed_reconcile_with_a_reason()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        f.Provider.Servers.Remove("1234");

        await f.ReconcileAsync();

        Assert.Equal(Reasons.ServerNotFound, f.Condition(ConditionTypes.Synced)?.Reason);
        Assert.Empty(f.Provider.Sent);
    }
}
