using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;

namespace ServerPower.Operator.Scheduling;

/// <summary>
/// The desired state in force for a server, pure: the override annotation while in force, else the PowerSchedule's
/// state now when spec.state is Scheduled, else spec.state. A malformed override, or a schedule that is missing or
/// invalid, gives no state at all (nothing is sent).
/// </summary>
public static class EffectiveState
{
    public const string OverrideSource = "override";

    public static Intent Resolve(ServerPowerResource server, PowerScheduleResource? schedule, DateTimeOffset now)
    {
        var reading = OverrideAnnotation.Read(server.Metadata.Annotations, now);
        if (reading is OverrideReading.Invalid invalid) return new Intent.Unknown(Reasons.InvalidSpec, invalid.Message);
        var parsed = reading as OverrideReading.Parsed;
        if (parsed is { Status.Active: true })
            return new Intent.Known(parsed.Status.State, OverrideSource, parsed.Until) { Override = parsed.Status };
        var underlying = server.Spec.State == DesiredPowerState.Scheduled ? FromSchedule(server, schedule, now) : Intent.FromSpec(server.Spec);
        return underlying with { Override = parsed?.Status };
    }

    /// <summary>The name of the schedule a server follows, or null when it follows none.</summary>
    public static string? ScheduleName(ServerPowerSpec spec) =>
        spec.State == DesiredPowerState.Scheduled && spec.ScheduleRef is { Name.Length: > 0 } reference ? reference.Name : null;

    private static Intent FromSchedule(ServerPowerResource server, PowerScheduleResource? schedule, DateTimeOffset now)
    {
        if (ScheduleName(server.Spec) is not { } name)
            return new Intent.Unknown(Reasons.InvalidSpec, "spec.state Scheduled needs spec.scheduleRef.name; nothing is sent");
        if (schedule is null || schedule.Metadata.Name != name)
            return new Intent.Unknown(Reasons.ScheduleNotFound, $"PowerSchedule \"{name}\" was not found in this namespace; the server is left as it is");
        var (parsed, error) = ScheduleParser.Parse(schedule.Spec);
        if (parsed is null)
            return new Intent.Unknown(Reasons.InvalidSpec, $"PowerSchedule \"{name}\" is invalid: {error}; the server is left as it is");
        var reading = ScheduleEvaluator.Evaluate(parsed, now);
        return new Intent.Known(reading.State, $"schedule {name}", reading.NextTransition);
    }
}
