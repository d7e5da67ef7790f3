using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Scheduling;
using static ServerPower.Operator.Tests.Scheduling.ScheduleRows;

namespace ServerPower.Operator.Tests.Scheduling;

public sealed class OverrideAnnotationTests
{
    private static readonly DateTimeOffset Now = Utc("2026-12-01T12:00:00Z");

    [Theory]
    // value,                                         state,     until (UTC) or "",      active
    [InlineData("Running",                              "Running", "",                     true)]
    [InlineData("Stopped",                              "Stopped", "",                     true)]
    [InlineData("Running until 2026-12-01T18:00:00Z",   "Running", "2026-12-01T18:00:00Z", true)]
    [InlineData("Stopped until 2026-12-01T19:00:00+01:00", "Stopped", "2026-12-01T18:00:00Z", true)]
    [InlineData("Running until 2026-12-01T12:00:00.5Z", "Running", "2026-12-01T12:00:00Z", true)]
    [InlineData(" Running  until  2026-12-02T00:00:00Z ", "Running", "2026-12-02T00:00:00Z", true)]
    [InlineData("Running until 2026-12-01T12:00:00Z",   "Running", "2026-12-01T12:00:00Z", false)]
    [InlineData("Stopped until 2026-11-30T08:00:00Z",   "Stopped", "2026-11-30T08:00:00Z", false)]
    // RFC 3339 allows lowercase t and z, and offsets up to ±23:59 (issue 20)
    [InlineData("Running until 2026-12-01t18:00:00z",   "Running", "2026-12-01T18:00:00Z", true)]
    [InlineData("Running until 2026-12-02T17:59:00+23:59", "Running", "2026-12-01T18:00:00Z", true)]
    [InlineData("Stopped until 9999-12-31T23:59:59Z",   "Stopped", "9999-12-31T23:59:59Z", true)]
    [InlineData("Stopped until 9999-12-31T23:59:59+01:00", "Stopped", "9999-12-31T22:59:59Z", true)]
    [InlineData("Stopped until 0001-01-01T00:00:00Z",   "Stopped", "0001-01-01T00:00:00Z", false)]
    public void A_well_formed_value(string value, string state, string until, bool active)
    {
        var reading = OverrideAnnotation.Read(new Dictionary<string, string> { [Annotations.Override] = value }, Now);

        var parsed = Assert.IsType<OverrideReading.Parsed>(reading);
        Assert.Equal(new OverrideStatus
        {
            State = Enum.Parse<TargetPowerState>(state), Until = until.Length == 0 ? null : Utc(until), Active = active,
        }, parsed.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("running")]
    [InlineData("Started")]
    [InlineData("Running until")]
    [InlineData("Running until tomorrow")]
    [InlineData("Running until 2026-12-01")]
    [InlineData("Running until 2026-12-01 18:00:00Z")]
    [InlineData("Running for 2h")]
    [InlineData("Running,Stopped")]
    // past DateTimeOffset once in UTC: threw ArgumentOutOfRangeException on every reconcile (issue 20)
    [InlineData("Stopped until 9999-12-31T23:59:59-01:00")]
    [InlineData("Stopped until 0001-01-01T00:00:00+00:01")]
    [InlineData("Stopped until 2026-12-01T18:00:00+24:00")]
    [InlineData("Stopped until 2026-12-31T23:59:60Z")]
    public void A_malformed_value_is_invalid_and_says_the_rule(string value)
    {
        var reading = OverrideAnnotation.Read(new Dictionary<string, string> { [Annotations.Override] = value }, Now);

        var invalid = Assert.IsType<OverrideReading.Invalid>(reading);
        Assert.Contains("power.serverops.io/override must be \"Running\" or \"Stopped\"", invalid.Message);
    }

    [Fact]
    public void No_annotation_is_no_override()
    {
        Assert.IsType<OverrideReading.None>(OverrideAnnotation.Read(null, Now));
        Assert.IsType<OverrideReading.None>(OverrideAnnotation.Read(new Dictionary<string, string> { ["other"] = "Running" }, Now));
    }
}
