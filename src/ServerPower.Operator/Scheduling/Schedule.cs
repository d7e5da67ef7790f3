using NodaTime;
using ServerPower.Api.Resources;

namespace ServerPower.Operator.Scheduling;

/// <summary>
/// A weekly window: on each day of <paramref name="Days"/> it starts at <paramref name="From"/> local time and ends
/// at <paramref name="To"/>, on the same day when To is after From, else on the next day (To == From: 24 hours).
/// </summary>
public sealed record WeeklyWindow(IReadOnlySet<IsoDayOfWeek> Days, LocalTime From, LocalTime To)
{
    public bool CrossesMidnight => To <= From;
}

/// <summary>A parsed PowerSchedule: windows and exception dates, all local to <paramref name="Zone"/>.</summary>
public sealed record Schedule(DateTimeZone Zone, IReadOnlyList<WeeklyWindow> Windows, IReadOnlyDictionary<LocalDate, TargetPowerState> Exceptions);

/// <summary>What a schedule says at one instant, and when that changes next (null: never).</summary>
public sealed record ScheduleReading(TargetPowerState State, DateTimeOffset? NextTransition);
