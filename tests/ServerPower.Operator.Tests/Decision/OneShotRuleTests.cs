using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Tests.Tables;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;
using DecisionResult = ServerPower.Operator.Decision.Decision;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>Restart and rebuild annotations: invalid tokens, what is sent, skipped, failed, or waits, and how a one-shot is recorded.</summary>
public sealed class OneShotRuleTests
{
    private static ServerPowerSpec WithRebuildSpec(ServerPowerSpec s) => s with { Rebuild = new RebuildSpec { OsId = "debian-12" } };

    public static IEnumerable<TheoryDataRow<Row<DecisionResult>>> Rows => Table.Of<DecisionResult>(
    [
        new("Two invalid annotations keep Synced False whatever else succeeds",
            () => Checked(Decide(Server(annotations: new Dictionary<string, string> { [Annotations.Restart] = "not valid!", [Annotations.Rebuild] = "nor this!" }), Observed(PowerState.Running))).Decision,
            d =>
            {
                Assert.Equal(("False", Reasons.InvalidSpec), SyncedOf(d.Status));
                Assert.Equal([(true, Reasons.InvalidSpec), (true, Reasons.InvalidSpec)], EventsOf(d));
            }),
        new("A one-shot being sent is Ready False naming its token",
            () => Checked(Decide(Server(status: new ServerPowerStatus { ObservedGeneration = 1, Conditions = ReadyTrue() }, annotations: Restart("r1")), Observed(PowerState.Running))).Decision,
            d =>
            {
                Assert.Equal(ActionType.Restart, d.Action?.Type);
                Assert.False(d.Failed);
                Assert.Equal(("False", Reasons.ActionPending), ReadyOf(d.Status));
                Assert.Contains("r1", Ready(d.Status).Message, StringComparison.Ordinal);
            }),
        new("A one-shot found in Sending warns in an event",
            () => Checked(Decide(Server(status: new ServerPowerStatus { ObservedGeneration = 1, Restart = new OneShotStatus { Token = "r1", Phase = OneShotPhase.Sending } }, annotations: Restart("r1")), Observed(PowerState.Running))).Decision,
            d =>
            {
                Assert.Equal([(true, Reasons.OneShotUncertain)], EventsOf(d));
                Assert.Contains("r1", d.Events[0].Message, StringComparison.Ordinal);
            }),
        new("A rebuild token set while the object is being deleted is Skipped and the server stopped",
            () => Checked(Decide(Deleting(Server(spec: WithRebuildSpec, annotations: Rebuild("b1"))), Observed(PowerState.Running))).Decision,
            d =>
            {
                Assert.Equal(ActionType.Stop, d.Action?.Type);
                Assert.Equal(OneShotPhase.Skipped, d.Status.Rebuild?.Phase);
                Assert.Contains("deleted", d.Status.Rebuild?.Message, StringComparison.Ordinal);
            }),
        new("A restart of a stopped server is Skipped and the server started",
            () => Checked(Decide(Server(annotations: Restart("r1")), Observed(PowerState.Stopped))).Decision,
            d =>
            {
                Assert.Equal(ActionType.Start, d.Action?.Type);
                Assert.Equal(OneShotPhase.Skipped, d.Status.Restart?.Phase);
                Assert.Contains((false, "RestartSkipped"), EventsOf(d));
            }),
        new("A rebuild of a stopped server is sent",
            () => Checked(Decide(Server(spec: WithRebuildSpec, annotations: Rebuild("b1")), Observed(PowerState.Stopped))).Decision,
            d => Assert.Equal(new PlannedAction(ActionType.Rebuild, "b1"), d.Action)),
        new("A one-shot for a server suspended at the provider fails and sends nothing",
            () => Checked(Decide(Server(annotations: Restart("r1")), Observed(PowerState.Suspended))).Decision,
            d =>
            {
                Assert.Null(d.Action);
                Assert.Equal(OneShotPhase.Failed, d.Status.Restart?.Phase);
                Assert.Contains("suspended", d.Status.Restart?.Message, StringComparison.Ordinal);
                Assert.Equal([(true, "RestartFailed")], EventsOf(d));
                Assert.NotEqual(Reasons.InvalidSpec, Synced(d.Status)?.Reason); // the server, not the spec, keeps it from being sent
            }),
        new("A Wenium rebuild without spec.rebuild.osId fails, names the field and calls the spec invalid",
            () => Checked(Decide(Server(annotations: Rebuild("b1")), Observed(PowerState.Running))).Decision,
            d =>
            {
                Assert.Null(d.Action);
                Assert.Equal((OneShotPhase.Failed, "spec.rebuild.osId is required for a Wenium rebuild; nothing was sent"), (d.Status.Rebuild?.Phase, d.Status.Rebuild?.Message));
                Assert.Equal(("False", Reasons.InvalidSpec, "spec.rebuild.osId is required for a Wenium rebuild; nothing was sent"),
                    (Synced(d.Status)?.Status, Synced(d.Status)?.Reason, Synced(d.Status)?.Message));
            }),
        new("A one-shot the provider does not support fails without calling the spec invalid",
            () => Checked(Decide(Server(annotations: Rebuild("b1")), Observed(PowerState.Running, NoRebuild))).Decision,
            d =>
            {
                Assert.Null(d.Action);
                Assert.Equal(OneShotPhase.Failed, d.Status.Rebuild?.Phase);
                Assert.Equal(("True", Reasons.ReconcileSucceeded), SyncedOf(d.Status));
                Assert.Equal([(true, "RebuildFailed")], EventsOf(d));
            }),
        .. from power in new[] { PowerState.Starting, PowerState.Stopping, PowerState.Busy }
           select new Row<DecisionResult>($"A new one-shot waits while the server is in transition: {power}",
               () => Checked(Decide(Server(annotations: Restart("r1")), Observed(power))).Decision,
               d =>
               {
                   Assert.Null(d.Action);
                   Assert.Null(d.Status.Restart);
               }),
        .. from c in new (ActionType Type, bool UsesSpec, bool HasSpec, bool Ignored)[]
           {
               (ActionType.Rebuild, false, true, true),
               (ActionType.Rebuild, false, false, false),
               (ActionType.Rebuild, true, true, false),
               (ActionType.Restart, false, true, false),
           }
           select new Row<DecisionResult>(
               $"A provider that rebuilds as configured there says spec.rebuild is ignored: {c.Type}, provider {(c.UsesSpec ? "uses" : "ignores")} the spec, spec {(c.HasSpec ? "set" : "unset")}",
               () =>
               {
                   var server = Server(spec: s => c.HasSpec ? WithRebuildSpec(s) : s, annotations: c.Type == ActionType.Rebuild ? Rebuild("t1") : Restart("t1"));
                   return Checked(Decide(server, Observed(PowerState.Running, c.UsesSpec ? Wenium : Wings))).Decision;
               },
               d =>
               {
                   Assert.Equal(c.Type, d.Action?.Type);
                   List<(bool, string)> events = c.Ignored ? [(false, "RebuildSpecIgnored")] : [];
                   Assert.Equal(events, EventsOf(d));
               }),
        // status.restart.handled lists the tokens handled, newest first; a record kept from before the list existed joins it.
        new("A record whose token the handled list lacks joins it as handled after the list's tokens and before the new one",
            () =>
            {
                var kept = new OneShotStatus { Token = "r2", Phase = OneShotPhase.Done, Message = "ok", Handled = [new HandledToken { Token = "r1", Time = T0.AddHours(-2) }] };
                return Checked(Decide(Server(status: new ServerPowerStatus { ObservedGeneration = 1, Restart = kept }, annotations: Restart("r3")), Observed(PowerState.Running))).Decision;
            },
            d => Assert.Equal(["r3", "r2", "r1"], d.Status.Restart!.Handled!.Select(h => h.Token))),
        new("A record without a token adds no empty token to the handled list",
            () => Checked(Decide(Server(status: new ServerPowerStatus { ObservedGeneration = 1, Restart = new OneShotStatus { Phase = OneShotPhase.Done, Message = "ok" } },
                annotations: Restart("r1")), Observed(PowerState.Running))).Decision,
            d => Assert.Equal(["r1"], d.Status.Restart!.Handled!.Select(h => h.Token))),
        new("A refused one-shot is Failed not Uncertain",
            () => Checked(Decide(Server(annotations: Restart("r1")), Observed(PowerState.Running)).After(new ProviderOutcome(OutcomeKind.Unavailable, "502"))),
            after =>
            {
                Assert.Equal(OneShotPhase.Failed, after.Status.Restart?.Phase);
                Assert.Equal(("False", Reasons.ProviderError), ReadyOf(after.Status));
                Assert.False(after.Failed);
            }),
    ]);

    [Theory, MemberData(nameof(Rows))]
    public void Holds(Row<DecisionResult> row) => row.Run();
}
