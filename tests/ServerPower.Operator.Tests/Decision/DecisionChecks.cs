using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;
using DecisionResult = ServerPower.Operator.Decision.Decision;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>
/// Reading a decision in the behaviour tables: Ready, Synced and events as (status, reason) pairs, and
/// <see cref="Checked(ServerPowerDecisionResult)"/>, which also asserts that the output is readable (no condition, event or
/// record without a message).
/// </summary>
internal static class DecisionChecks
{
    internal static readonly ProviderCapabilities NoStop = new(true, true, new HashSet<ActionType> { ActionType.Start, ActionType.Restart });
    internal static readonly ProviderCapabilities NoRebuild = new(true, true, new HashSet<ActionType> { ActionType.Start, ActionType.Stop, ActionType.Restart });
    internal static readonly ProviderCapabilities BlindStartOnly = new(false, false, new HashSet<ActionType> { ActionType.Start });

    internal static ServerPowerDecisionResult Checked(ServerPowerDecisionResult r)
    {
        Readable(r.Decision);
        return r;
    }

    internal static DecisionResult Checked(DecisionResult d)
    {
        Readable(d);
        return d;
    }

    /// <summary>What kubectl shows must say something: every condition, event, record and lastAction has its words.</summary>
    internal static void Readable(DecisionResult d)
    {
        foreach (var c in d.Status.Conditions ?? [])
        {
            Assert.False(string.IsNullOrWhiteSpace(c.Reason), $"condition {c.Type} has no reason");
            Assert.False(string.IsNullOrWhiteSpace(c.Message), $"condition {c.Type} has no message");
        }
        foreach (var e in d.Events)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Reason), "an event has no reason");
            Assert.False(string.IsNullOrWhiteSpace(e.Message), $"event {e.Reason} has no message");
        }
        foreach (var oneShot in new[] { d.Status.Restart, d.Status.Rebuild })
        {
            if (oneShot is { Phase: not OneShotPhase.Sending })
                Assert.False(string.IsNullOrWhiteSpace(oneShot.Message), $"one-shot {oneShot.Token} ({oneShot.Phase}) has no message");
        }
        if (d.Status.LastAction is { } last)
            Assert.False(string.IsNullOrWhiteSpace(last.Message), $"lastAction {last.Type} has no message");
    }

    internal static (string Status, string Reason) ReadyOf(ServerPowerStatus status) => (Ready(status).Status, Ready(status).Reason);

    internal static (string? Status, string? Reason) SyncedOf(ServerPowerStatus status) => (Synced(status)?.Status, Synced(status)?.Reason);

    internal static List<(bool Warning, string Reason)> EventsOf(DecisionResult d) => d.Events.Select(e => (e.Warning, e.Reason)).ToList();

    internal static List<Api.Resources.Condition> ReadyTrue() =>
        [new Api.Resources.Condition { Type = ConditionTypes.Ready, Status = ConditionStatus.True, Reason = Reasons.InDesiredState, Message = "the server is Running", LastTransitionTime = T0.AddHours(-1) }];

    internal static ServerPowerResource Deleting(ServerPowerResource server)
    {
        server.Metadata.DeletionTimestamp = T0.UtcDateTime.AddMinutes(-1);
        server.Metadata.Finalizers = [Annotations.StopFinalizer];
        server.Spec = server.Spec with { DeletionPolicy = DeletionPolicy.Stop };
        return server;
    }
}
