using System.Net;
using k8s.Autorest;
using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>
/// The status write that records a destructive call's outcome (on top of its own record: OutcomeWrite) must land: a 429, a 5xx, an answer lost after the
/// change was committed, or the reconcile being cancelled mid-call must not leave a one-shot in Sending (which the
/// next pass would report as Uncertain) nor send anything twice.
/// </summary>
public sealed class OutcomeRecordingTests
{
    public static TheoryData<string> Faults => new() { "429", "500", "lost-answer", "transport", "reconcile-cancelled" };

    [Theory, MemberData(nameof(Faults))]
    public async Task A_restart_whose_final_status_write_meets_a_fault_still_ends_Done(string fault)
    {
        var f = await RestartAskedAsync();

        using var reconcile = new CancellationTokenSource();
        var sent = false;
        // A lost answer happens once: the write carries the record's resourceVersion, so its repeat meets a conflict and
        // finds the outcome stored (OutcomeWrite reads the object again).
        var failures = fault switch { "reconcile-cancelled" => 0, "lost-answer" => 1, _ => 2 };
        f.Provider.OnSend = _ =>
        {
            sent = true;
            if (fault == "reconcile-cancelled") reconcile.Cancel();
        };
        f.Kube.BeforeWrite = write =>
        {
            if (!sent || write != "status+rv:mc" || failures == 0 || fault == "lost-answer") return;
            failures--;
            throw Fault(fault);
        };
        f.Kube.AfterWrite = write =>
        {
            if (!sent || write != "status+rv:mc" || failures == 0 || fault != "lost-answer") return;
            failures--;
            throw Fault("504");
        };

        var task = f.Reconciler.ReconcileAsync(ReconcilerFixture.Key, reconcile.Token);
        await AdvanceUntilDone(f, task);

        Assert.Equal([("1234", ActionType.Restart)], f.Provider.Sent);
        Assert.Equal(OneShotPhase.Done, f.Server.Status?.Restart?.Phase);
        Assert.Equal(0, failures);

        // And the next pass neither resends nor turns it Uncertain.
        f.Kube.BeforeWrite = null;
        f.Kube.AfterWrite = null;
        await f.ReconcileAsync();
        Assert.Single(f.Provider.Sent);
        Assert.Equal(OneShotPhase.Done, f.Server.Status?.Restart?.Phase);
    }

    /// <summary>
    /// An old leader paused between its request and its outcome wakes after the new leader recorded a newer token (here
    /// r2, whose answer was lost): the old outcome must not land on r2's record (a merge patch set phase and message
    /// field by field on it, saying Done for a token that may never have run). The same for every action record the
    /// other writer may have replaced: the outcome is not written, and this restart's own record stays as recorded.
    /// </summary>
    [Theory]
    [InlineData("restart", OneShotPhase.Uncertain)]
    [InlineData("restart", OneShotPhase.Sending)]
    [InlineData("rebuild", OneShotPhase.Sending)]
    [InlineData("wake", OneShotPhase.Done)]
    [InlineData("lastAction", OneShotPhase.Done)]
    public async Task An_outcome_is_not_written_over_a_record_another_writer_replaced_meanwhile(string record, OneShotPhase phase)
    {
        var f = await RestartAskedAsync();
        var other = new OneShotStatus { Token = "x2", Phase = phase, Message = "the other replica's record" };
        var otherAction = new LastAction
        {
            Type = ActionType.Start, RequestTime = f.Time.GetUtcNow().AddSeconds(1), Result = ActionResult.Uncertain,
            Message = "the other replica's start",
        };
        ServerPowerStatus? recorded = null;
        f.Provider.OnSend = _ => f.Edit(s =>
        {
            recorded = s.Status;
            s.Status = record switch
            {
                "restart" => s.Status! with { Restart = other },
                "rebuild" => s.Status! with { Rebuild = other },
                "wake" => s.Status! with { Wake = other },
                _ => s.Status! with { LastAction = otherAction },
            };
        });

        await f.ReconcileAsync();

        Assert.Equal([("1234", ActionType.Restart)], f.Provider.Sent);
        var status = f.Server.Status!;
        Assert.Equal(record == "lastAction" ? Json(otherAction) : Json(recorded!.LastAction), Json(status.LastAction));
        Assert.Equal(record == "restart" ? Json(other) : Json(recorded!.Restart), Json(status.Restart));
        Assert.Equal(record == "rebuild" ? Json(other) : Json(recorded!.Rebuild), Json(status.Rebuild));
        Assert.Equal(record == "wake" ? Json(other) : Json(recorded!.Wake), Json(status.Wake));
    }

    [Fact]
    public async Task An_outcome_written_again_after_a_conflict_keeps_what_the_other_writer_changed()
    {
        var f = await RestartAskedAsync();
        f.Provider.OnSend = _ => f.Edit(s => s.Status = s.Status! with { ProviderState = "written by someone else" });

        await f.ReconcileAsync();

        Assert.Equal(OneShotPhase.Done, f.Server.Status?.Restart?.Phase);
        Assert.Equal("written by someone else", f.Server.Status?.ProviderState);
    }

    private static string Json<T>(T? value) => ApiJson.Serialize(value);

    /// <summary>A Running server reconciled once, then given restart token r1.</summary>
    private static async Task<ReconcilerFixture> RestartAskedAsync()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        await f.ReconcileAsync();
        f.Edit(s => ReconcilerFixture.SetAnnotation(s, ReconcilerFixture.RestartKey, "r1"));
        return f;
    }

    [Fact]
    public async Task An_outcome_is_written_when_only_a_person_edited_the_object_during_the_call()
    {
        var f = await RestartAskedAsync();
        f.Provider.OnSend = _ => f.Edit(s => ReconcilerFixture.SetAnnotation(s, "example.com/note", "edited during the call"));

        await f.ReconcileAsync();

        Assert.Equal([("1234", ActionType.Restart)], f.Provider.Sent);
        Assert.Equal(OneShotPhase.Done, f.Server.Status?.Restart?.Phase);
        Assert.Equal("r1", f.Server.Status?.Restart?.Token);
        Assert.Equal("edited during the call", f.Server.Metadata.Annotations?["example.com/note"]);
    }

    [Fact]
    public async Task An_outcome_meeting_a_conflict_at_every_attempt_is_given_up_and_the_token_is_never_resent()
    {
        var f = await RestartAskedAsync();
        var sent = false;
        var edits = 0;
        f.Provider.OnSend = _ => sent = true;
        f.Kube.BeforeWrite = write =>
        {
            if (!sent || write != "status+rv:mc") return;
            edits++;
            f.Kube.Put(f.Server); // someone writes the object just before each attempt
        };

        var result = await f.ReconcileAsync();

        Assert.Equal(ReconcileResult.Conflicted, result);
        Assert.Equal(OutcomeWrite.Attempts, edits);
        Assert.Equal(OneShotPhase.Sending, f.Server.Status?.Restart?.Phase);
        f.Kube.BeforeWrite = null;
        await f.ReconcileAsync();
        Assert.Equal([("1234", ActionType.Restart)], f.Provider.Sent);
        Assert.Equal(OneShotPhase.Uncertain, f.Server.Status?.Restart?.Phase);
    }

    [Fact]
    public async Task An_outcome_whose_object_is_gone_when_read_again_ends_the_reconcile_quietly()
    {
        var f = await RestartAskedAsync();
        var sent = false;
        f.Provider.OnSend = _ => sent = true;
        f.Kube.BeforeWrite = write =>
        {
            if (sent && write == "status+rv:mc") f.Kube.Put(f.Server); // a conflict
        };
        f.Kube.BeforeLiveRead = () => f.Kube.Delete(ReconcilerFixture.Ns, ReconcilerFixture.Key.Name);

        var result = await f.ReconcileAsync();

        Assert.False(result.Failed);
        Assert.Equal([("1234", ActionType.Restart)], f.Provider.Sent);
        Assert.False(f.Kube.HasServer(ReconcilerFixture.Ns, ReconcilerFixture.Key.Name));
    }

    [Fact]
    public async Task A_kill_is_written_checked_against_resourceVersion_before_it_is_sent()
    {
        var f = KillDue();
        LastAction? seenWhileSending = null;
        f.Provider.OnSend = _ => seenWhileSending = f.Server.Status?.LastAction;

        await f.ReconcileAsync();

        Assert.Equal([("1234", ActionType.Kill)], f.Provider.Sent);
        Assert.Equal(ActionType.Kill, seenWhileSending?.Type);
        Assert.Equal(ActionResult.Uncertain, seenWhileSending?.Result);
        Assert.Contains("status+rv:mc", f.Kube.Writes);
        Assert.Equal(ActionResult.Accepted, f.Server.Status?.LastAction?.Result);
    }

    [Fact]
    public async Task A_kill_decided_from_a_stale_object_is_not_sent()
    {
        var f = KillDue();
        // Another writer (e.g. an old leader) changes the object between our read and our guarded write.
        f.Kube.BeforeWrite = write =>
        {
            if (write != "status+rv:mc") return;
            f.Kube.BeforeWrite = null;
            f.Kube.Put(f.Server);
        };

        var result = await f.ReconcileAsync();

        Assert.Empty(f.Provider.Sent);
        Assert.False(result.Failed);
    }

    /// <summary>A Wings server declared Stopped whose accepted stop outlived its 10 min grace period: a kill is due.</summary>
    private static ReconcilerFixture KillDue()
    {
        var f = new ReconcilerFixture(ProviderType.Wings, new ProviderCapabilities(true, true,
            new HashSet<ActionType> { ActionType.Start, ActionType.Stop, ActionType.Kill }));
        f.AddServer(DesiredPowerState.Stopped, PowerState.Stopping, s =>
        {
            s.Spec = s.Spec with { Stop = new StopSpec { GracePeriod = "10m", OnTimeout = StopTimeoutAction.Kill } };
            s.Status = new ServerPowerStatus
            {
                ObservedGeneration = 1,
                LastAction = new LastAction { Type = ActionType.Stop, RequestTime = f.Time.GetUtcNow().AddMinutes(-11), Result = ActionResult.Accepted },
            };
        });
        return f;
    }

    private static Exception Fault(string fault) => fault switch
    {
        "transport" => new HttpRequestException("connection reset by peer"),
        _ => new HttpOperationException($"status {fault}")
        {
            Response = new HttpResponseMessageWrapper(Response(int.Parse(fault, System.Globalization.CultureInfo.InvariantCulture)), ""),
        },
    };

    private static HttpResponseMessage Response(int code)
    {
        var response = new HttpResponseMessage((HttpStatusCode)code);
        if (code == 429) response.Headers.TryAddWithoutValidation("Retry-After", "1");
        return response;
    }

    /// <summary>Moves the fake clock until the reconcile (waiting on retry delays) has finished.</summary>
    private static async Task<ReconcileResult> AdvanceUntilDone(ReconcilerFixture f, Task<ReconcileResult> task)
    {
        for (var i = 0; i < 10_000 && !task.IsCompleted; i++)
        {
            f.Time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
        }
        return await task;
    }
}
