using k8s.Models;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>Builders for decision table rows: a server, a provider view, a fixed clock.</summary>
public static class Cases
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    public static readonly DecisionSettings Settings = new(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));

    public static readonly ProviderCapabilities Wenium = new(true, true,
        new HashSet<ActionType> { ActionType.Start, ActionType.Stop, ActionType.Restart, ActionType.Rebuild }, RebuildUsesSpec: true);
    public static readonly ProviderCapabilities Wings = new(true, true,
        new HashSet<ActionType> { ActionType.Start, ActionType.Stop, ActionType.Restart, ActionType.Kill, ActionType.Rebuild });
    public static readonly ProviderCapabilities Heo = new(false, false,
        new HashSet<ActionType> { ActionType.Start, ActionType.Stop, ActionType.Restart });

    /// <summary>A server already reconciled once (observedGeneration set), so tokens are not adopted.</summary>
    public static ServerPowerResource Server(DesiredPowerState state = DesiredPowerState.Running, ServerPowerStatus? status = null,
        Func<ServerPowerSpec, ServerPowerSpec>? spec = null, Dictionary<string, string>? annotations = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "mc", NamespaceProperty = "games", Generation = 1, Annotations = annotations },
        Spec = (spec ?? (s => s))(new ServerPowerSpec { ProviderRef = new LocalObjectReference { Name = "p" }, ServerId = "1", State = state }),
        Status = status ?? new ServerPowerStatus { ObservedGeneration = 1 },
    };

    public static ProviderView Observed(PowerState power, ProviderCapabilities? caps = null) =>
        new ProviderView.Resolved(ProviderType.Wenium, caps ?? Wenium, ReadResult.Of(new ObservedServer(power, power.ToString().ToLowerInvariant())), null);

    public static ProviderView ReadFails(OutcomeKind kind, TimeSpan? retryAfter = null) =>
        new ProviderView.Resolved(ProviderType.Wenium, Wenium, ReadResult.Failed(new ProviderOutcome(kind, "provider says no", retryAfter)), null);

    public static ProviderView Blind(TimeSpan? reassert = null) => new ProviderView.Resolved(ProviderType.Heo, Heo, null, reassert);

    public static Api.Resources.Condition Ready(ServerPowerStatus status) => Conditions.Find(status.Conditions, ConditionTypes.Ready)!;

    public static Api.Resources.Condition? Synced(ServerPowerStatus status) => Conditions.Find(status.Conditions, ConditionTypes.Synced);

    public static ServerPowerDecisionResult Decide(ServerPowerResource server, ProviderView view, DateTimeOffset? now = null)
    {
        var input = new DecisionInput(server, view, now ?? T0, Settings);
        return new ServerPowerDecisionResult(input, ServerPowerDecider.Decide(input));
    }

    public static LastAction Accepted(ActionType type, DateTimeOffset at, string? token = null) =>
        new() { Type = type, RequestTime = at, Result = ActionResult.Accepted, Token = token, Message = "ok" };

    public static Dictionary<string, string> Restart(string token) => new() { [Annotations.Restart] = token };

    public static Dictionary<string, string> Rebuild(string token) => new() { [Annotations.Rebuild] = token };
}

public sealed record ServerPowerDecisionResult(DecisionInput Input, ServerPower.Operator.Decision.Decision Decision)
{
    public ServerPowerStatus Status => Decision.Status;
    public ActionType? Action => Decision.Action?.Type;

    public ServerPower.Operator.Decision.Decision After(ProviderOutcome outcome) => ServerPowerDecider.AfterAction(Input, Decision.Sent, outcome);
}
