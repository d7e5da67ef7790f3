using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using static ServerPower.Operator.Tests.Decision.Cases;
using DecisionResult = ServerPower.Operator.Decision.Decision;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>
/// Reading a decision with its exact messages (Ready, Synced, events as (status, reason, message)), and deciding with a
/// readiness probe, a start/stop order or an intent (<see cref="DecideWith"/>).
/// </summary>
internal static class DecisionMessages
{
    internal static readonly DateTimeOffset Until = T0.AddHours(2);

    internal static readonly ReadinessProbeSpec Probe = new() { TcpSocket = new TcpSocketProbe { Host = "mc.example.com", Port = 25565 }, SuccessThreshold = 2 };
    internal const string Cycle = "spec.startAfter forms a cycle: mc → mc";

    internal static ServerPowerDecisionResult DecideWith(ServerPowerResource server, ProviderView view, ReadinessView? readiness = null,
        DependencyView? dependencies = null, Intent? intent = null, DateTimeOffset? now = null)
    {
        var input = new DecisionInput(server, view, now ?? T0, Settings, readiness, dependencies, intent);
        return new ServerPowerDecisionResult(input, ServerPowerDecider.Decide(input));
    }

    internal static (string Status, string Reason, string Message) ReadyMessageOf(ServerPowerStatus status) =>
        (Ready(status).Status, Ready(status).Reason, Ready(status).Message);

    internal static (string? Status, string? Reason, string? Message) SyncedMessageOf(ServerPowerStatus status) =>
        (Synced(status)?.Status, Synced(status)?.Reason, Synced(status)?.Message);

    internal static List<(bool Warning, string Reason, string Message)> EventMessagesOf(ServerPowerDecisionResult r) =>
        r.Decision.Events.Select(e => (e.Warning, e.Reason, e.Message)).ToList();

    internal static Intent.Known Override(TargetPowerState state, DateTimeOffset? until) =>
        new(state, "override", until) { Override = new OverrideStatus { State = state, Until = until, Active = true } };

    /// <summary>A server whose last start was accepted 30 s ago and seen Running since; with a readiness probe.</summary>
    internal static ServerPowerResource StartedWithProbe(ManagementPolicy policy = ManagementPolicy.Manage) =>
        Server(DesiredPowerState.Running, new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Start, T0.AddSeconds(-30)) },
            s => s with { ReadinessProbe = Probe, ManagementPolicy = policy });

    internal static ProbeSnapshot Passing(DateTimeOffset? since) => new(since, ProbeVerdict.Passing, ProbeResult.Success, T0.AddSeconds(-5), 2, 0, "accepted");

    internal static ServerPowerResource BeingDeleted(DateTimeOffset deleted)
    {
        var s = Server(DesiredPowerState.Running, spec: spec => spec with { DeletionPolicy = DeletionPolicy.Stop, Stop = new StopSpec { GracePeriod = "2m" } });
        s.Metadata.DeletionTimestamp = deleted.UtcDateTime;
        s.Metadata.Finalizers = [Annotations.StopFinalizer];
        return s;
    }
}
