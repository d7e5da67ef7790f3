using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Tests.Tables;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;
using static ServerPower.Operator.Tests.Decision.DecisionMessages;
using DecisionResult = ServerPower.Operator.Decision.Decision;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>The provider's answer to an action: how it is recorded, reported, retried, and when it lets a deletion go.</summary>
public sealed class ActionAnswerRuleTests
{
    /// <summary>Declared Stopped, seen Running: the stop is sent and the provider answers <paramref name="outcome"/>.</summary>
    private static DecisionResult StopAnswered(ProviderOutcome outcome, bool deleting = false)
    {
        var server = Server(DesiredPowerState.Stopped);
        return Checked(Decide(deleting ? Deleting(server) : server, Observed(PowerState.Running)).After(outcome));
    }

    /// <summary>
    /// The stored status after an accepted answer, and what the next pass decides from it a moment later while the
    /// provider still reports what it reported before the send.
    /// </summary>
    private static (ServerPowerStatus Answered, ServerPowerStatus Next) AnsweredThenNext(ServerPowerResource server, ProviderView view)
    {
        var answered = Checked(Decide(server, view).After(ProviderOutcome.Accepted("ok"))).Status;
        server.Status = answered;
        return (answered, Decide(server, view, T0 + TimeSpan.FromMilliseconds(300)).Status);
    }

    /// <summary>
    /// An accepted start, stop or kill is recorded as the next pass would write it while the provider has not moved yet
    /// (the same Ready and Synced messages), so that pass writes nothing: at 10,000 servers a converging server cost a
    /// fourth status write that only reworded the conditions.
    /// </summary>
    public static IEnumerable<TheoryDataRow<Row<(ServerPowerStatus Answered, ServerPowerStatus Next)>>> NoRewordRows =>
        Table.Of<(ServerPowerStatus Answered, ServerPowerStatus Next)>(
        [
            new("A start", () => AnsweredThenNext(Server(), Observed(PowerState.Stopped)), Unchanged),
            new("A stop", () => AnsweredThenNext(Server(DesiredPowerState.Stopped), Observed(PowerState.Running)), Unchanged),
            new("A stop with a grace period of its own",
                () => AnsweredThenNext(Server(DesiredPowerState.Stopped, spec: s => s with { Stop = new StopSpec { GracePeriod = "90s" } }), Observed(PowerState.Running)), Unchanged),
            new("A stop for a deletion", () => AnsweredThenNext(Deleting(Server(DesiredPowerState.Stopped)), Observed(PowerState.Running)), Unchanged),
            new("A kill after the grace period",
                () => AnsweredThenNext(Server(DesiredPowerState.Stopped, new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-11)) }),
                    Observed(PowerState.Stopping, Wings)), Unchanged),
            new("A start at a provider that cannot report state", () => AnsweredThenNext(Server(), Blind()), Unchanged),
        ]);

    private static void Unchanged((ServerPowerStatus Answered, ServerPowerStatus Next) pair) =>
        Assert.Equal(ApiJson.ToElement(pair.Answered).ToString(), ApiJson.ToElement(pair.Next).ToString());

    [Theory, MemberData(nameof(NoRewordRows))]
    public void An_accepted_answer_is_what_the_next_pass_writes(Row<(ServerPowerStatus Answered, ServerPowerStatus Next)> row) => row.Run();

    public static IEnumerable<TheoryDataRow<Row<DecisionResult>>> Rows => Table.Of<DecisionResult>(
    [
        new("The answer keeps the decision's events and adds its own",
            () => Checked(Decide(Server(DesiredPowerState.Stopped, annotations: Restart("not valid!")), Observed(PowerState.Running)).After(ProviderOutcome.Accepted("stopping"))),
            after => Assert.Equal([(true, Reasons.InvalidSpec), (false, "StopAccepted")], EventsOf(after))),
        // Synced used to turn True with the answer and False again at the next pass, which finds the same failure.
        new("An accepted answer keeps Synced False for a failure the decision found, as the next pass reports it",
            () => Checked(Decide(Server(DesiredPowerState.Stopped, annotations: Restart("not valid!")), Observed(PowerState.Running)).After(ProviderOutcome.Accepted("stopping"))),
            after =>
            {
                Assert.Equal(("False", Reasons.InvalidSpec), SyncedOf(after.Status));
                Assert.Contains("power.serverops.io/restart", Synced(after.Status)?.Message, StringComparison.Ordinal);
                Assert.Equal(("False", Reasons.ActionPending), ReadyOf(after.Status));
            }),
        // A one-shot is sent before the pass reports its read: the accepted answer says the state was read.
        new("An accepted restart turns Synced True after an earlier pass's failure",
            () =>
            {
                var failedRead = new Api.Resources.Condition { Type = ConditionTypes.Synced, Status = ConditionStatus.False, Reason = Reasons.ProviderUnavailable,
                    Message = "reading state failed: Unavailable: 502", LastTransitionTime = T0.AddMinutes(-1) };
                var server = Server(status: new ServerPowerStatus { ObservedGeneration = 1, Conditions = [failedRead] }, annotations: Restart("r1"));
                return Checked(Decide(server, Observed(PowerState.Running)).After(ProviderOutcome.Accepted("restarting")));
            },
            after => Assert.Equal(("True", Reasons.ReconcileSucceeded, "state read from Wenium"), SyncedMessageOf(after.Status))),
        .. from c in new (string Message, string Recorded)[] { ("stopping now", "stopping now"), ("", "Accepted") }
           select new Row<DecisionResult>($"The recorded answer is the provider's message or else the outcome: '{c.Message}' is recorded as '{c.Recorded}'",
               () => StopAnswered(ProviderOutcome.Accepted(c.Message)),
               after =>
               {
                   Assert.Equal(c.Recorded, after.Status.LastAction?.Message);
                   Assert.Equal(("False", Reasons.ActionPending), ReadyOf(after.Status));
                   Assert.Contains("accepted", Ready(after.Status).Message, StringComparison.Ordinal);
                   Assert.Equal(Settings.MinPoll, after.RequeueAfter);
               }),
        .. from c in new (OutcomeKind Kind, bool Backoff)[] { (OutcomeKind.Unavailable, true), (OutcomeKind.Forbidden, false) }
           select new Row<DecisionResult>($"A refused action is a warning and Ready False with the provider's words: {c.Kind}",
               () => StopAnswered(new ProviderOutcome(c.Kind, "refused upstream")),
               after =>
               {
                   Assert.Equal([(true, "StopFailed")], EventsOf(after));
                   Assert.Equal(("False", Reasons.ProviderError), ReadyOf(after.Status));
                   Assert.Contains("refused upstream", Ready(after.Status).Message, StringComparison.Ordinal);
                   Assert.DoesNotContain("deletionPolicy", Ready(after.Status).Message, StringComparison.Ordinal);
                   Assert.Equal(c.Backoff, after.Failed);
               }),
        new("A busy refusal is no sync failure and says the server is busy",
            () => StopAnswered(new ProviderOutcome(OutcomeKind.Busy, "installing")),
            after =>
            {
                Assert.Equal(("True", Reasons.ReconcileSucceeded), SyncedOf(after.Status));
                Assert.Contains("busy", Synced(after.Status)!.Message, StringComparison.Ordinal);
                Assert.Equal(("False", Reasons.ActionPending), ReadyOf(after.Status));
                Assert.Contains("busy", Ready(after.Status).Message, StringComparison.Ordinal);
                Assert.Equal(Settings.MaxPoll, after.RequeueAfter);
            }),
        new("A suspended refusal is no sync failure",
            () => StopAnswered(new ProviderOutcome(OutcomeKind.Suspended, "on hold")),
            after =>
            {
                Assert.Equal(("True", Reasons.ReconcileSucceeded), SyncedOf(after.Status));
                Assert.Contains("suspended", Synced(after.Status)!.Message, StringComparison.Ordinal);
                Assert.Equal(("False", Reasons.ServerSuspended), ReadyOf(after.Status));
                Assert.Equal(Settings.MaxPoll, after.RequeueAfter);
            }),
        new("An unsupported answer is Ready False Unsupported until the resync",
            () => StopAnswered(ProviderOutcome.Unsupported("no stop for this plan")),
            after =>
            {
                Assert.Equal(("False", Reasons.Unsupported), ReadyOf(after.Status));
                Assert.Equal(Settings.ResyncPeriod, after.RequeueAfter);
            }),
        .. from deleting in new[] { false, true }
           select new Row<DecisionResult>(deleting ? "A stop answered not found at deletion lets the deletion go" : "A stop answered not found outside a deletion lets nothing go",
               () => StopAnswered(new ProviderOutcome(OutcomeKind.NotFound, "no such server"), deleting),
               after =>
               {
                   Assert.Equal(("False", Reasons.ProviderError), ReadyOf(after.Status));
                   Assert.Equal(deleting, after.ReleaseFinalizer);
                   TimeSpan? requeue = deleting ? null : Settings.MaxPoll;
                   Assert.Equal(requeue, after.RequeueAfter);
               }),
        new("A start lost in flight is Uncertain and retried with backoff",
            () => Checked(Decide(Server(), Observed(PowerState.Stopped)).After(new ProviderOutcome(OutcomeKind.Unavailable, "timeout", null, MayHaveReachedProvider: true))),
            after =>
            {
                Assert.Equal(ActionResult.Uncertain, after.Status.LastAction?.Result);
                Assert.Equal(("False", Reasons.ProviderError), ReadyOf(after.Status));
                Assert.True(after.Failed);
            }),
        new("A forbidden stop at deletion is Ready False with the provider's words and the way out",
            () => Checked(Decide(Deleting(Server()), Observed(PowerState.Running)).After(new ProviderOutcome(OutcomeKind.Forbidden, "no access to this server"))),
            after =>
            {
                Assert.Equal(("False", Reasons.ProviderError), ReadyOf(after.Status));
                Assert.Contains("no access to this server", Ready(after.Status).Message, StringComparison.Ordinal);
                Assert.Contains("deletionPolicy: Orphan", Ready(after.Status).Message, StringComparison.Ordinal);
                Assert.False(after.ReleaseFinalizer);
            }),
        new("An action rate limited with Retry-After is retried after that delay",
            () => StopAnswered(new ProviderOutcome(OutcomeKind.RateLimited, "slow down", TimeSpan.FromSeconds(42))),
            after =>
            {
                Assert.False(after.Failed);
                Assert.Equal(TimeSpan.FromSeconds(42), after.RequeueAfter);
            }),
        // Was a runtime error ("no action was decided"); an answer is now only recorded for a decision that sends.
        new("Recording an answer without a decided action cannot be written",
            () => DecideWith(Server(), Observed(PowerState.Running)).Decision,
            decided =>
            {
                Assert.IsType<DecisionResult.Wait>(decided);
                var answered = typeof(ServerPowerDecider).GetMethod(nameof(ServerPowerDecider.AfterAction))!.GetParameters()[1];
                Assert.Equal(typeof(DecisionResult.Send), answered.ParameterType);
            }),
    ]);

    [Theory, MemberData(nameof(Rows))]
    public void Holds(Row<DecisionResult> row) => row.Run();
}
