using System.Globalization;
using ServerPower.Api.Resources;

namespace ServerPower.Operator.Tests.Scheduling;

/// <summary>Compact schedule rows: windows as "days from-to" ("*" is every day), exceptions as "date=State".</summary>
public static class ScheduleRows
{
    public static PowerScheduleSpec Spec(string zone, string windows, string exceptions = "") => new()
    {
        TimeZone = zone,
        Running = Split(windows).Select(Window).ToList(),
        Exceptions = Split(exceptions).Select(e => e.Split('=')).Select(p => new ScheduleException
        {
            Date = p[0], State = Enum.Parse<TargetPowerState>(p[1]),
        }).ToList(),
    };

    public static DateTimeOffset Utc(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static ScheduleWindow Window(string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var times = parts[1].Split('-');
        return new ScheduleWindow
        {
            Days = parts[0] == "*" ? null : parts[0].Split(',').Select(Enum.Parse<ScheduleDay>).ToList(),
            From = times[0],
            To = times[1],
        };
    }

    private static IEnumerable<string> Split(string list) => list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
