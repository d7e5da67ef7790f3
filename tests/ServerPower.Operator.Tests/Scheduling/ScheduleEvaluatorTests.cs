using ServerPower.Api.Resources;
using ServerPower.Operator.Scheduling;
using static ServerPower.Operator.Tests.Scheduling.ScheduleRows;

namespace ServerPower.Operator.Tests.Scheduling;

/// <summary>
/// What a schedule says at an instant (the clock is an argument: a fixed, fake "now") and its next transition, as a
/// table. 2026 transitions used below: Europe/Berlin springs forward on 29 March at 02:00 CET (01:00Z; 02:00-02:59
/// does not exist) and falls back on 25 October at 03:00 CEST (01:00Z; 02:00-02:59 happens twice, first CEST then
/// CET); America/New_York springs forward on 8 March at 02:00 EST (07:00Z) and falls back on 1 November at 02:00 EDT
/// (06:00Z; 01:00-01:59 twice); Asia/Kolkata is UTC+05:30 all year.
/// </summary>
public sealed class ScheduleEvaluatorTests
{
    public static TheoryData<string, string, string, string, string, string, string> Rows => new()
    {
        // what,                                        zone,               windows,                  exceptions,             now (UTC),              state,     next (UTC) or ""
        { "office hours, before opening",               "Europe/Berlin",    "Mon,Tue,Wed,Thu,Fri 08:00-18:00", "",         "2026-11-30T06:59:00Z", "Stopped", "2026-11-30T07:00:00Z" },
        { "office hours, at opening (inclusive)",       "Europe/Berlin",    "Mon,Tue,Wed,Thu,Fri 08:00-18:00", "",         "2026-11-30T07:00:00Z", "Running", "2026-11-30T17:00:00Z" },
        { "office hours, at closing (exclusive)",       "Europe/Berlin",    "Mon,Tue,Wed,Thu,Fri 08:00-18:00", "",         "2026-11-30T17:00:00Z", "Stopped", "2026-12-01T07:00:00Z" },
        { "Friday evening waits for Monday",            "America/New_York", "Mon,Tue,Wed,Thu,Fri 08:00-18:00", "",         "2026-11-06T23:30:00Z", "Stopped", "2026-11-09T13:00:00Z" },
        { "default zone is UTC",                        "UTC",              "* 08:00-09:00",          "",                     "2026-11-30T08:30:00Z", "Running", "2026-11-30T09:00:00Z" },
        { "to == from: 24 hours",                       "UTC",              "Mon 08:00-08:00",        "",                     "2026-12-01T07:59:00Z", "Running", "2026-12-01T08:00:00Z" },
        { "no windows: always Stopped, no transition",  "Europe/Berlin",    "",                       "",                     "2026-11-30T12:00:00Z", "Stopped", "" },
        { "all day every day: Running, no transition",  "Europe/Berlin",    "* 00:00-00:00",          "",                     "2026-11-30T12:00:00Z", "Running", "" },
        { "adjacent windows merge into one run",        "UTC",              "* 08:00-12:00; * 12:00-18:00", "",               "2026-11-30T09:00:00Z", "Running", "2026-11-30T18:00:00Z" },

        // Berlin, spring forward (29 March 2026): 02:00-02:59 local does not exist.
        { "Berlin spring: start in the skipped hour waits for 03:00", "Europe/Berlin", "* 02:30-05:00", "",              "2026-03-29T00:30:00Z", "Stopped", "2026-03-29T01:00:00Z" },
        { "Berlin spring: then runs to 05:00 CEST",     "Europe/Berlin",    "* 02:30-05:00",          "",                     "2026-03-29T01:00:00Z", "Running", "2026-03-29T03:00:00Z" },
        { "Berlin spring: end in the skipped hour is 03:00", "Europe/Berlin", "* 01:00-02:30",        "",                     "2026-03-29T00:00:00Z", "Running", "2026-03-29T01:00:00Z" },
        { "Berlin spring: a window inside the gap does not run", "Europe/Berlin", "* 02:00-03:00",     "",                     "2026-03-29T00:30:00Z", "Stopped", "2026-03-30T00:00:00Z" },
        { "Berlin spring: across midnight is 7 h long", "Europe/Berlin",    "* 22:00-06:00",          "",                     "2026-03-28T21:00:00Z", "Running", "2026-03-29T04:00:00Z" },
        // Berlin, fall back (25 October 2026): 02:00-02:59 local happens twice; the first counts.
        { "Berlin fall: start in the repeated hour is its first occurrence", "Europe/Berlin", "* 02:30-04:00", "",       "2026-10-25T00:00:00Z", "Stopped", "2026-10-25T00:30:00Z" },
        { "Berlin fall: runs to 04:00 CET",             "Europe/Berlin",    "* 02:30-04:00",          "",                     "2026-10-25T00:30:00Z", "Running", "2026-10-25T03:00:00Z" },
        { "Berlin fall: end in the repeated hour is its first occurrence", "Europe/Berlin", "* 00:00-02:30", "",         "2026-10-25T00:00:00Z", "Running", "2026-10-25T00:30:00Z" },
        { "Berlin fall: the second 02:30 is outside",   "Europe/Berlin",    "* 00:00-02:30",          "",                     "2026-10-25T01:30:00Z", "Stopped", "2026-10-25T23:00:00Z" },
        { "Berlin fall: across midnight is 9 h long",   "Europe/Berlin",    "* 22:00-06:00",          "",                     "2026-10-24T21:00:00Z", "Running", "2026-10-25T05:00:00Z" },
        // Exceptions on such days.
        { "Berlin spring: exception Stopped cuts the night window at midnight", "Europe/Berlin", "* 22:00-06:00", "2026-03-29=Stopped", "2026-03-28T22:00:00Z", "Running", "2026-03-28T23:00:00Z" },
        { "Berlin spring: the exception day's own night window does not run", "Europe/Berlin", "* 22:00-06:00", "2026-03-29=Stopped", "2026-03-29T12:00:00Z", "Stopped", "2026-03-30T20:00:00Z" },
        { "Berlin fall: exception Running is the whole 25-hour day", "Europe/Berlin", "", "2026-10-25=Running",             "2026-10-24T21:00:00Z", "Stopped", "2026-10-24T22:00:00Z" },
        { "Berlin fall: ... until the next local midnight", "Europe/Berlin", "",                      "2026-10-25=Running",   "2026-10-25T12:00:00Z", "Running", "2026-10-25T23:00:00Z" },
        { "Christmas off in office hours",              "Europe/Berlin",    "Mon,Tue,Wed,Thu,Fri 08:00-18:00", "2026-12-25=Stopped", "2026-12-24T17:00:00Z", "Stopped", "2026-12-28T07:00:00Z" },
        { "a far exception is found beyond 400 days",   "UTC",              "",                       "2028-06-01=Running",   "2026-11-30T12:00:00Z", "Stopped", "2028-06-01T00:00:00Z" },
        { "the furthest exception sets how far to look, not the nearest", "UTC", "",                  "2026-12-01=Stopped;2028-06-01=Running", "2026-11-30T12:00:00Z", "Stopped", "2028-06-01T00:00:00Z" },
        { "a weekly window already over today comes a week later", "UTC", "Mon 10:00-11:00",          "",                     "2026-11-30T12:00:00Z", "Stopped", "2026-12-07T10:00:00Z" },

        // New York, spring forward (8 March 2026): 02:00-02:59 local does not exist.
        { "New York spring: start in the skipped hour waits for 03:00 EDT", "America/New_York", "* 02:30-04:00", "",     "2026-03-08T06:30:00Z", "Stopped", "2026-03-08T07:00:00Z" },
        { "New York spring: then runs to 04:00 EDT",    "America/New_York", "* 02:30-04:00",          "",                     "2026-03-08T07:00:00Z", "Running", "2026-03-08T08:00:00Z" },
        { "New York spring: across midnight",           "America/New_York", "Sat 23:00-03:00",        "",                     "2026-03-08T04:00:00Z", "Running", "2026-03-08T07:00:00Z" },
        // New York, fall back (1 November 2026): 01:00-01:59 local happens twice.
        { "New York fall: start in the repeated hour is its first occurrence", "America/New_York", "* 01:30-03:00", "",  "2026-11-01T05:00:00Z", "Stopped", "2026-11-01T05:30:00Z" },
        { "New York fall: the second 01:45 is inside",  "America/New_York", "* 01:30-03:00",          "",                     "2026-11-01T06:45:00Z", "Running", "2026-11-01T08:00:00Z" },
        { "New York fall: across midnight ends at the first 01:30", "America/New_York", "Sat 20:00-01:30", "",           "2026-11-01T00:00:00Z", "Running", "2026-11-01T05:30:00Z" },
        { "New York fall: exception Stopped on the Sunday", "America/New_York", "Sat 20:00-01:30",    "2026-11-01=Stopped",   "2026-11-01T00:00:00Z", "Running", "2026-11-01T04:00:00Z" },

        // Kolkata: UTC+05:30, no daylight saving.
        { "Kolkata: opening at 09:00 IST",              "Asia/Kolkata",     "Mon,Tue,Wed,Thu,Fri 09:00-17:30", "",         "2026-11-30T03:00:00Z", "Stopped", "2026-11-30T03:30:00Z" },
        { "Kolkata: closing at 17:30 IST",              "Asia/Kolkata",     "Mon,Tue,Wed,Thu,Fri 09:00-17:30", "",         "2026-11-30T03:30:00Z", "Running", "2026-11-30T12:00:00Z" },
        { "Kolkata: across midnight",                   "Asia/Kolkata",     "* 23:30-00:30",          "",                     "2026-11-30T18:30:00Z", "Running", "2026-11-30T19:00:00Z" },
        { "Kolkata: exception cuts the night at local midnight", "Asia/Kolkata", "* 22:00-02:00",     "2026-12-25=Stopped",   "2026-12-24T17:00:00Z", "Running", "2026-12-24T18:30:00Z" },
        { "Kolkata: the exception day's night window does not run", "Asia/Kolkata", "* 22:00-02:00",  "2026-12-25=Stopped",   "2026-12-25T10:00:00Z", "Stopped", "2026-12-26T16:30:00Z" },
        { "Kolkata: exception Running the day after a night window", "Asia/Kolkata", "* 22:00-02:00", "2026-12-25=Running",   "2026-12-24T19:00:00Z", "Running", "2026-12-25T18:30:00Z" },
    };

    [Theory, MemberData(nameof(Rows))]
    public void Says_the_state_now_and_the_next_transition(string what, string zone, string windows, string exceptions, string now, string state, string next)
    {
        var (schedule, error) = ScheduleParser.Parse(Spec(zone, windows, exceptions));
        Assert.True(schedule is not null, error);

        var reading = ScheduleEvaluator.Evaluate(schedule!, Utc(now));

        Assert.True(Enum.Parse<TargetPowerState>(state) == reading.State, $"{what}: state {reading.State}");
        Assert.True((next.Length == 0 ? null : Utc(next)) == reading.NextTransition,
            $"{what}: next {reading.NextTransition?.ToString("O") ?? "none"}");
    }

    [Theory, MemberData(nameof(Rows))]
    public void Nothing_changes_between_now_and_the_next_transition(string what, string zone, string windows, string exceptions, string now, string state, string next)
    {
        _ = (state, next);
        var schedule = ScheduleParser.Parse(Spec(zone, windows, exceptions)).Schedule!;
        var reading = ScheduleEvaluator.Evaluate(schedule, Utc(now));
        var end = reading.NextTransition is { } n && n < Utc(now).AddDays(4) ? n : Utc(now).AddDays(4);
        for (var t = Utc(now); t < end; t = t.AddMinutes(15))
            Assert.True(reading.State == ScheduleEvaluator.StateAt(schedule, NodaTime.Instant.FromDateTimeOffset(t)), $"{what}: changed at {t:O}");
        if (reading.NextTransition is { } at)
            Assert.True(reading.State != ScheduleEvaluator.StateAt(schedule, NodaTime.Instant.FromDateTimeOffset(at)), $"{what}: no change at {at:O}");
    }

    [Theory]
    [InlineData("Mars/Olympus", "* 08:00-18:00", "", "spec.timeZone \"Mars/Olympus\" is not an IANA time zone name")]
    [InlineData("UTC", "* 8:00-18:00", "", "spec.running[0].from \"8:00\" is not HH:MM")]
    [InlineData("UTC", "* 08:00-24:00", "", "spec.running[0].to \"24:00\" is not HH:MM")]
    [InlineData("UTC", "", "2026-02-30=Stopped", "spec.exceptions[0].date \"2026-02-30\" is not a date")]
    [InlineData("UTC", "", "2026-12-25=Stopped;2026-12-25=Running", "spec.exceptions lists 2026-12-25 twice")]
    public void An_invalid_spec_says_what_is_wrong(string zone, string windows, string exceptions, string message)
    {
        var (schedule, error) = ScheduleParser.Parse(Spec(zone, windows, exceptions));
        Assert.Null(schedule);
        Assert.StartsWith(message, error);
    }

    [Fact]
    public void An_empty_time_zone_is_UTC() =>
        Assert.Equal("UTC", ScheduleParser.Parse(new PowerScheduleSpec { TimeZone = "" }).Schedule!.Zone.Id);

    /// <summary>
    /// The search reaches two days past the last exception date (here 2028-04-14, day 500 from Monday 2026-11-30):
    /// a window on day 502 is found, even when every earlier week's window is cancelled by an exception.
    /// </summary>
    [Fact]
    public void A_change_on_the_last_day_searched_is_found()
    {
        var exceptions = Days(5, 495, 7).Append(500).Select(d => $"{Date(d)}=Stopped");
        var schedule = ScheduleParser.Parse(Spec("UTC", "Sat 10:00-11:00", string.Join(';', exceptions))).Schedule!;

        var reading = ScheduleEvaluator.Evaluate(schedule, Utc("2026-11-30T12:00:00Z"));

        Assert.Equal((TargetPowerState.Stopped, Utc($"{Date(502)}T10:00:00Z")), (reading.State, reading.NextTransition));
    }

    /// <summary>
    /// ... and a change just past that day (its first instant, day 503) is not reported: it is found by an evaluation
    /// once it comes within reach (ScheduleEvaluator.MaxSearchDays bounds the search).
    /// </summary>
    [Fact]
    public void A_change_past_the_last_day_searched_is_left_for_a_later_evaluation()
    {
        var exceptions = Days(6, 496, 7).Append(500).Select(d => $"{Date(d)}=Running");
        var schedule = ScheduleParser.Parse(Spec("UTC", "Mon,Tue,Wed,Thu,Fri,Sat 00:00-00:00", string.Join(';', exceptions))).Schedule!;

        var reading = ScheduleEvaluator.Evaluate(schedule, Utc("2026-11-30T12:00:00Z"));
        var later = ScheduleEvaluator.Evaluate(schedule, Utc($"{Date(200)}T12:00:00Z"));

        Assert.Equal((TargetPowerState.Running, (DateTimeOffset?)null), (reading.State, reading.NextTransition));
        Assert.Equal(Utc($"{Date(503)}T00:00:00Z"), later.NextTransition);
    }

    private static IEnumerable<int> Days(int first, int last, int step) =>
        Enumerable.Range(0, (last - first) / step + 1).Select(i => first + i * step);

    private static string Date(int daysAfter) => new DateOnly(2026, 11, 30).AddDays(daysAfter).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
