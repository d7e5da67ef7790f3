using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Tests.Tables;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;
using static ServerPower.Operator.Tests.Decision.DecisionMessages;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>The provider is resolved and the server's state read: what an unresolved provider, a failed or missing read, an unknown state and a throttled account report, and when a deletion may go.</summary>
public sealed class ProviderStateRuleTests
{
    public static IEnumerable<TheoryDataRow<Row<ServerPowerDecisionResult>>> Rows => Table.Of<ServerPowerDecisionResult>(
    [
        new("An unresolved provider is Synced and Ready False with a warning and no deletion hint",
            () => Checked(Decide(Server(), new ProviderView.Unresolved(Reasons.CredentialsMissing, "key \"token\" of Secret \"t\" not found"))),
            r =>
            {
                Assert.Equal(("False", Reasons.CredentialsMissing), SyncedOf(r.Status));
                Assert.Equal(("False", Reasons.ProviderError), ReadyOf(r.Status));
                Assert.Contains("Secret \"t\"", Ready(r.Status).Message, StringComparison.Ordinal);
                Assert.DoesNotContain("deletionPolicy", Ready(r.Status).Message, StringComparison.Ordinal);
                Assert.Equal([(true, Reasons.CredentialsMissing)], EventsOf(r.Decision));
                Assert.Equal(Settings.MaxPoll, r.Decision.RequeueAfter);
            }),
        new("A missing provider at deletion lets go without a deletion hint",
            () => Checked(Decide(Deleting(Server()), new ProviderView.Unresolved(Reasons.ProviderNotFound, "PowerProvider \"p\" not found"))),
            r =>
            {
                Assert.True(r.Decision.ReleaseFinalizer);
                Assert.DoesNotContain("deletionPolicy", Ready(r.Status).Message, StringComparison.Ordinal);
            }),
        .. from c in new (OutcomeKind Answer, PowerState Power, string Reason)[] { (OutcomeKind.Busy, PowerState.Busy, Reasons.ActionPending), (OutcomeKind.Suspended, PowerState.Suspended, Reasons.ServerSuspended) }
           select new Row<ServerPowerDecisionResult>($"A read answered {c.Answer} is a state not a failure",
               () => Checked(Decide(Server(), ReadFails(c.Answer))),
               r =>
               {
                   Assert.Null(r.Action);
                   Assert.False(r.Decision.Failed);
                   Assert.Equal(c.Power, r.Status.PowerState);
                   Assert.Equal(("True", Reasons.ReconcileSucceeded), SyncedOf(r.Status));
                   Assert.Equal(("False", c.Reason), ReadyOf(r.Status));
               }),
        new("A readable provider whose state was not read is not taken for a state",
            () => Checked(Decide(Server(), new ProviderView.Resolved(ProviderType.Wenium, Wenium, null, null))),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(("False", Reasons.ProviderUnavailable), SyncedOf(r.Status));
                Assert.Contains("not read", Synced(r.Status)!.Message, StringComparison.Ordinal);
            }),
        .. from deleting in new[] { false, true }
           from kind in new[] { OutcomeKind.Unavailable, OutcomeKind.NotFound }
           select new Row<ServerPowerDecisionResult>($"A failed read is reported and only a server unknown to the provider lets a deletion go: {kind}{(deleting ? " at deletion" : "")}",
               () => Checked(Decide(deleting ? Deleting(Server()) : Server(), ReadFails(kind))),
               r =>
               {
                   var release = deleting && kind == OutcomeKind.NotFound;
                   var reason = OutcomeReasons.SyncedReason(kind);
                   Assert.Null(r.Action);
                   Assert.Equal(("False", reason), SyncedOf(r.Status));
                   Assert.Equal(("False", Reasons.ProviderError), ReadyOf(r.Status));
                   Assert.Equal([(true, reason)], EventsOf(r.Decision));
                   Assert.Equal(release, r.Decision.ReleaseFinalizer);
                   Assert.Equal(kind == OutcomeKind.Unavailable, r.Decision.Failed);
                   TimeSpan? requeue = release || kind == OutcomeKind.Unavailable ? null : Settings.MaxPoll;
                   Assert.Equal(requeue, r.Decision.RequeueAfter);
                   // Only a deletion that stays blocked says how to let the object go.
                   Assert.Equal(deleting && !release, Ready(r.Status).Message.Contains("deletionPolicy: Orphan", StringComparison.Ordinal));
               }),
        new("A successful read clears an earlier Synced failure",
            () =>
            {
                var earlier = new ServerPowerStatus
                {
                    ObservedGeneration = 1,
                    Conditions = [new Api.Resources.Condition { Type = ConditionTypes.Synced, Status = ConditionStatus.False, Reason = Reasons.ProviderUnavailable, Message = "503", LastTransitionTime = T0.AddMinutes(-1) }],
                };
                return Checked(Decide(Server(status: earlier), Observed(PowerState.Running)));
            },
            r => Assert.Equal(("True", Reasons.ReconcileSucceeded), SyncedOf(r.Status))),
        new("An unknown state is reported in the provider's words",
            () => Checked(Decide(Server(), new ProviderView.Resolved(ProviderType.Wenium, Wenium, ReadResult.Of(new ObservedServer(PowerState.Unknown, "migrating-7")), null))),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(("False", Reasons.ProviderError), ReadyOf(r.Status));
                Assert.Contains("migrating-7", Ready(r.Status).Message, StringComparison.Ordinal);
            }),
        new("A change waiting for a throttled account is Synced False saying it waits for the Retry-After",
            () =>
            {
                var server = Server(DesiredPowerState.Stopped, DecideWith(Server(), Observed(PowerState.Running)).Status);
                server.Metadata.Generation = 2;
                return DecideWith(server, new ProviderView.Resolved(ProviderType.Wenium, Wenium, null, null, TimeSpan.FromMinutes(1)));
            },
            r =>
            {
                Assert.Equal("False", Synced(r.Status)?.Status);
                Assert.Contains("429", Synced(r.Status)?.Message, StringComparison.Ordinal);
                Assert.Contains("Retry-After", Synced(r.Status)?.Message, StringComparison.Ordinal);
            }),
    ]);

    [Theory, MemberData(nameof(Rows))]
    public void Holds(Row<ServerPowerDecisionResult> row) => row.Run();
}
