using CsCheck;
using NodaTime;
using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Scheduling;
using static ServerPower.Operator.Tests.Scheduling.ScheduleRows;

namespace ServerPower.Operator.Tests.Scheduling;

/// <summary>
/// The override annotation and the PowerSchedule are read from whatever a user writes, extremes included (issue 20:
/// an override until the year 9999 with a negative offset threw on every reconcile): reading and evaluating are total,
/// and what they read stays within the types' bounds.
/// </summary>
public sealed class ParserProperties
{
    private static readonly DateTimeOffset Now = Utc("2026-12-01T12:00:00Z");

    private static readonly Gen<string> ExtremeTime = Gen.OneOf(
        Gen.OneOf("9999-12-31T23:59:59-01:00", "9999-12-31T23:59:59Z", "9999-12-31t23:59:59.9999999z", "0001-01-01T00:00:00Z",
            "0001-01-01T00:00:00+00:01", "0001-01-01T00:00:00-23:59", "2026-12-01T12:00:00+23:59", "2026-12-01T12:00:00-24:00"),
        Gen.Select(Gen.Int[0, 9999], Gen.Int[0, 13], Gen.Int[0, 32], Gen.Int[-25, 25], Gen.Int[0, 60],
            (y, mo, d, oh, om) => $"{y:0000}-{mo:00}-{d:00}T23:59:59{(oh < 0 ? "-" : "+")}{Math.Abs(oh):00}:{om:00}"),
        ExtremeText.Value);

    private static readonly Gen<string> OverrideValue = Gen.Frequency(
        (3, Gen.Select(Gen.OneOf("Running until ", "Stopped until ", " Stopped  until  ", "Running until\n"), ExtremeTime, (a, b) => a + b)),
        (1, ExtremeText.Value));

    [Fact]
    public void Any_override_value_reads_as_None_Invalid_or_a_state_until_a_time_within_the_bounds()
    {
        OverrideValue.Sample(value =>
        {
            var reading = OverrideAnnotation.Read(new Dictionary<string, string> { [Annotations.Override] = value }, Now);
            if (reading is not OverrideReading.Parsed { Until: { } until } parsed) return;
            Assert.Equal(TimeSpan.Zero, until.Offset);
            Assert.Equal(KubeTimeConverter.Truncate(until), parsed.Status.Until);
            Assert.Equal(Now < until, parsed.Status.Active);
            Assert.True(TransitionRequeue.At(Runtime.ReconcileResult.Done, until, Now).RequeueAfter is { } wait
                && wait > TimeSpan.Zero && wait <= TransitionRequeue.MaxWait);
        }, iter: 20_000);
    }

    [Fact]
    public void Every_instant_written_by_the_plugin_reads_back()
    {
        var instants = Gen.Long[DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks].Select(t => KubeTimeConverter.Truncate(new DateTimeOffset(t, TimeSpan.Zero)));
        Gen.Select(instants, Gen.OneOf("Running", "Stopped")).Sample((until, state) =>
        {
            var reading = OverrideAnnotation.Read(new Dictionary<string, string> { [Annotations.Override] = $"{state} until {KubeTimeConverter.Format(until)}" }, Now);
            Assert.Equal(until, Assert.IsType<OverrideReading.Parsed>(reading).Until);
        }, iter: 5_000);
    }

    /// <summary>The CRD's date pattern admits 9999-12-31: the evaluator looked for a transition up to it and threw.</summary>
    [Theory]
    [InlineData("9999-12-31=Running")]
    [InlineData("9999-12-31=Stopped;0000-01-01=Running")]
    [InlineData("2127-06-01=Running")]
    public void An_exception_date_as_far_as_the_year_9999_is_evaluated(string exceptions)
    {
        var schedule = ScheduleParser.Parse(Spec("Europe/Berlin", "", exceptions)).Schedule!;

        var reading = ScheduleEvaluator.Evaluate(schedule, Now);

        Assert.Equal(TargetPowerState.Stopped, reading.State);
        Assert.Null(reading.NextTransition); // further than the search reaches: found once it comes within reach
    }

    [Fact]
    public void An_exception_date_within_a_hundred_years_is_the_next_transition()
    {
        var schedule = ScheduleParser.Parse(Spec("UTC", "", "2125-06-01=Running")).Schedule!;

        Assert.Equal(Utc("2125-06-01T00:00:00Z"), ScheduleEvaluator.Evaluate(schedule, Now).NextTransition);
    }

    private static readonly Gen<string> Zone = Gen.OneOf(
        Gen.OneOf("UTC", "Europe/Berlin", "Pacific/Kiritimati", "Pacific/Apia", "America/St_Johns", "Australia/Lord_Howe", "Etc/GMT+12", ""),
        ExtremeText.Value);

    private static readonly Gen<string> Time = Gen.Frequency(
        (3, Gen.OneOf("00:00", "23:59", "02:30", "12:00", "24:00", "9:00", "00:60")), (1, ExtremeText.Value));

    private static readonly Gen<string> Date = Gen.Frequency(
        (3, Gen.OneOf("0000-01-01", "0001-01-01", "9999-12-31", "2026-03-29", "2026-12-01", "2026-12-02", "2028-02-29", "2026-02-29", "2099-12-31")),
        (1, ExtremeText.Value));

    private static readonly Gen<PowerScheduleSpec> Specs = Gen.Select(Zone,
        Gen.Select(Time, Time, Gen.Int[0, 8].Array[0, 3].Select(days => days.Select(d => (ScheduleDay)d).ToList()),
            (from, to, days) => new ScheduleWindow { From = from, To = to, Days = days.Count == 0 ? null : days }).Array[0, 3],
        Gen.Select(Date, Gen.OneOf(TargetPowerState.Running, TargetPowerState.Stopped), (date, state) => new ScheduleException { Date = date, State = state }).Array[0, 3],
        (zone, windows, exceptions) => new PowerScheduleSpec { TimeZone = zone, Running = windows, Exceptions = exceptions });

    [Fact]
    public void Any_schedule_parses_or_says_what_is_wrong_and_evaluates_to_a_state_and_a_later_transition()
    {
        var instants = Gen.Frequency((3, Gen.Const(Now)), (1, Gen.Long[0, 100L * 365 * 24 * 3600].Select(s => Utc("2000-01-01T00:00:00Z").AddSeconds(s))));
        Gen.Select(Specs, instants).Sample((spec, now) =>
        {
            var (schedule, error) = ScheduleParser.Parse(spec);
            if (schedule is null)
            {
                Assert.StartsWith("spec.", error);
                return;
            }
            var reading = ScheduleEvaluator.Evaluate(schedule, now);
            Assert.Equal(ScheduleEvaluator.StateAt(schedule, Instant.FromDateTimeOffset(now)), reading.State);
            if (reading.NextTransition is { } next)
            {
                Assert.True(next > now);
                Assert.NotEqual(reading.State, ScheduleEvaluator.StateAt(schedule, Instant.FromDateTimeOffset(next)));
            }
        }, iter: 500);
    }
}
