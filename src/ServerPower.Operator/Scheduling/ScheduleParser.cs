using NodaTime;
using NodaTime.Text;
using ServerPower.Api.Resources;

namespace ServerPower.Operator.Scheduling;

/// <summary>PowerSchedule spec → <see cref="Schedule"/>, or the first thing wrong with it in words. Pure.</summary>
public static class ScheduleParser
{
    // Stryker disable once String : a static initializer runs once per test host, before Stryker switches a mutant on; an empty pattern fails every parse (checked by hand)
    private static readonly LocalTimePattern Time = LocalTimePattern.CreateWithInvariantCulture("HH':'mm");
    private static readonly LocalDatePattern Date = LocalDatePattern.Iso;

    public static (Schedule? Schedule, string? Error) Parse(PowerScheduleSpec spec)
    {
        var zoneName = string.IsNullOrEmpty(spec.TimeZone) ? PowerScheduleSpec.DefaultTimeZone : spec.TimeZone;
        // The tz database NodaTime carries, never the machine's: the chiseled image has none.
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneName);
        if (zone is null) return (null, $"spec.timeZone \"{zoneName}\" is not an IANA time zone name (e.g. Europe/Berlin, America/New_York, UTC)");

        var windows = new List<WeeklyWindow>();
        var running = spec.Running ?? [];
        for (var i = 0; i < running.Count; i++)
        {
            var w = running[i];
            // Stryker disable once String : a missing value fails to parse as "" does, and the message shows the value as written
            var from = Time.Parse(w.From ?? "");
            if (!from.Success) return (null, $"spec.running[{i}].from \"{w.From}\" is not HH:MM (00:00 to 23:59)");
            // Stryker disable once String : a missing value fails to parse as "" does, and the message shows the value as written
            var to = Time.Parse(w.To ?? "");
            if (!to.Success) return (null, $"spec.running[{i}].to \"{w.To}\" is not HH:MM (00:00 to 23:59)");
            var days = w.Days is { Count: > 0 } named ? named.Select(ToIso).ToHashSet() : AllDays;
            if (days.Contains(IsoDayOfWeek.None)) return (null, $"spec.running[{i}].days lists a value that is not a day (Mon to Sun)");
            windows.Add(new WeeklyWindow(days, from.Value, to.Value));
        }

        var exceptions = new Dictionary<LocalDate, TargetPowerState>();
        var listed = spec.Exceptions ?? [];
        for (var i = 0; i < listed.Count; i++)
        {
            var e = listed[i];
            // Stryker disable once String : a missing value fails to parse as "" does, and the message shows the value as written
            var date = Date.Parse(e.Date ?? "");
            if (!date.Success) return (null, $"spec.exceptions[{i}].date \"{e.Date}\" is not a date (YYYY-MM-DD)");
            if (exceptions.TryGetValue(date.Value, out var earlier) && earlier != e.State)
                return (null, $"spec.exceptions lists {e.Date} twice with different states");
            exceptions[date.Value] = e.State;
        }
        return (new Schedule(zone, windows, exceptions), null);
    }

    // Stryker disable once Equality : a static initializer runs once per test host, before Stryker switches a mutant on; == None fails every window without days (checked by hand)
    private static readonly IReadOnlySet<IsoDayOfWeek> AllDays = Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None).ToHashSet();

    private static IsoDayOfWeek ToIso(ScheduleDay day) => day switch
    {
        ScheduleDay.Mon => IsoDayOfWeek.Monday,
        ScheduleDay.Tue => IsoDayOfWeek.Tuesday,
        ScheduleDay.Wed => IsoDayOfWeek.Wednesday,
        ScheduleDay.Thu => IsoDayOfWeek.Thursday,
        ScheduleDay.Fri => IsoDayOfWeek.Friday,
        ScheduleDay.Sat => IsoDayOfWeek.Saturday,
        ScheduleDay.Sun => IsoDayOfWeek.Sunday,
        _ => IsoDayOfWeek.None,
    };
}
