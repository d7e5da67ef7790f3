using NodaTime;
using NodaTime.TimeZones;
using ServerPower.Api.Resources;

namespace ServerPower.Operator.Scheduling;

/// <summary>
/// What a <see cref="Schedule"/> says at an instant and when that changes next. Pure: the instant is an argument.
/// <list type="bullet">
/// <item>A window runs from its start (inclusive) to its end (exclusive). A window whose <c>to</c> is not after its
/// <c>from</c> ends on the next day.</item>
/// <item>An exception date fixes the state for the whole local day (from its first to its last instant). Windows
/// that start on that day do not run (nor their hours after midnight); a window from the day before ends at
/// midnight.</item>
/// <item>Daylight saving: a local time the clock skips (spring forward) is taken as the first time that exists after
/// it, i.e. when the clock reaches it (a 02:30 start in Europe/Berlin on the last Sunday of March starts at 03:00);
/// a local time the clock passes twice (fall back) is taken at its first occurrence. The same rules apply to
/// <c>to</c>.</item>
/// </list>
/// </summary>
public static class ScheduleEvaluator
{
    /// <summary>Repeated hour: the earlier instant. Skipped hour: the first instant after the gap.</summary>
    private static readonly ZoneLocalMappingResolver Resolver =
        Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);

    /// <summary>How far ahead a transition is looked for (further when an exception date lies beyond).</summary>
    public const int SearchDays = 400;

    /// <summary>
    /// The furthest a transition is ever looked for (about a hundred years): an exception date as far as 9999-12-31
    /// costs no more. A later change is not reported as the next transition; it is found once it comes within reach.
    /// </summary>
    public const int MaxSearchDays = 36_600;

    public static ScheduleReading Evaluate(Schedule schedule, DateTimeOffset now)
    {
        var instant = Instant.FromDateTimeOffset(now);
        var state = StateAt(schedule, instant);
        var today = instant.InZone(schedule.Zone).Date;
        var lastException = schedule.Exceptions.Count == 0 ? today : schedule.Exceptions.Keys.Max();
        var horizon = Math.Clamp(Period.Between(today, lastException, PeriodUnits.Days).Days + 2L, SearchDays, MaxSearchDays);
        // A week first (nearly every schedule changes within one), then the rest. The change points made by the days
        // [first, last] are all of those before the start of day last+1; the state is constant between change points.
        foreach (var (first, last) in new[] { (-1, 8), (8, (int)horizon) })
        {
            var limit = StartOf(schedule, today.PlusDays(last + 1));
            foreach (var point in ChangePoints(schedule, today.PlusDays(first), today.PlusDays(last)))
            {
                // Stryker disable once Equality : the state at the instant itself is the current one, never a change
                if (point <= instant) continue;
                if (point >= limit) continue;
                if (StateAt(schedule, point) != state) return new ScheduleReading(state, point.ToDateTimeOffset());
            }
        }
        return new ScheduleReading(state, null);
    }

    public static TargetPowerState StateAt(Schedule schedule, Instant instant)
    {
        var date = instant.InZone(schedule.Zone).Date;
        if (schedule.Exceptions.TryGetValue(date, out var fixedState)) return fixedState;
        foreach (var day in new[] { date.PlusDays(-1), date })
        {
            if (schedule.Exceptions.ContainsKey(day)) continue;
            foreach (var window in schedule.Windows)
            {
                if (!window.Days.Contains(day.DayOfWeek)) continue;
                var (start, end) = Occurrence(schedule, window, day);
                if (start <= instant && instant < end) return TargetPowerState.Running;
            }
        }
        return TargetPowerState.Stopped;
    }

    /// <summary>The instants at which the window that starts on <paramref name="day"/> starts and ends.</summary>
    public static (Instant Start, Instant End) Occurrence(Schedule schedule, WeeklyWindow window, LocalDate day) =>
        (At(schedule, day + window.From), At(schedule, (window.CrossesMidnight ? day.PlusDays(1) : day) + window.To));

    private static SortedSet<Instant> ChangePoints(Schedule schedule, LocalDate first, LocalDate last)
    {
        var points = new SortedSet<Instant>();
        for (var day = first; day <= last; day = day.PlusDays(1))
        {
            points.Add(StartOf(schedule, day));
            foreach (var window in schedule.Windows)
            {
                // Stryker disable once Statement : more candidate points only; the state changes at the real ones, which are all there
                if (!window.Days.Contains(day.DayOfWeek)) continue;
                var (start, end) = Occurrence(schedule, window, day);
                points.Add(start);
                points.Add(end);
            }
        }
        return points;
    }

    /// <summary>The day's first instant; a day the zone skipped whole (Pacific/Apia, 2011-12-30) starts when the next does.</summary>
    private static Instant StartOf(Schedule schedule, LocalDate day) => At(schedule, day.AtMidnight());

    private static Instant At(Schedule schedule, LocalDateTime local) => schedule.Zone.ResolveLocal(local, Resolver).ToInstant();
}
