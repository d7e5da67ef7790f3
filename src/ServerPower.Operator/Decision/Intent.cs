using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Operator.Decision;

/// <summary>
/// The desired state in force, worked out before deciding (Scheduling/EffectiveState.cs): the override annotation
/// wins over a schedule, which is used when spec.state is Scheduled, else spec.state. <see cref="Override"/> is what
/// status.override shows (also when it has expired or a schedule is missing).
/// </summary>
public abstract record Intent
{
    public OverrideStatus? Override { get; init; }

    /// <summary>A state is in force. <paramref name="NextChange"/>: when it may change by itself (a schedule's next transition, an override's end).</summary>
    public sealed record Known(TargetPowerState State, string Source, DateTimeOffset? NextChange = null) : Intent;

    /// <summary>No state can be known (a missing or invalid schedule, a malformed override): nothing is sent, the server is left as it is.</summary>
    public sealed record Unknown(string Reason, string Message) : Intent;

    public const string SpecSource = "spec.state";

    /// <summary>spec.state alone, for a server that is not scheduled and has no override.</summary>
    public static Intent FromSpec(ServerPowerSpec spec) => spec.State switch
    {
        DesiredPowerState.Running => new Known(TargetPowerState.Running, SpecSource),
        DesiredPowerState.Stopped => new Known(TargetPowerState.Stopped, SpecSource),
        _ => new Unknown(Reasons.InvalidSpec, "spec.state is Scheduled but its PowerSchedule was not evaluated; nothing is sent"),
    };
}
