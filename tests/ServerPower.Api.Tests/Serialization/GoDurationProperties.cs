using System.Numerics;
using System.Text.RegularExpressions;
using CsCheck;
using ServerPower.Api.Serialization;

namespace ServerPower.Api.Tests.Serialization;

/// <summary>
/// <see cref="GoDuration"/> is total: whatever a user writes, it answers a value within 0..8760h or false, never an
/// exception (a 999999999h grace period threw OverflowException on every reconcile).
/// </summary>
public sealed class GoDurationProperties
{
    [Fact]
    public void Any_text_reads_as_a_value_within_the_bound_that_the_CRD_pattern_admits_or_as_nothing()
    {
        ExtremeText.Value.Sample(text =>
        {
            if (!GoDuration.TryParse(text, out var value)) return;
            Assert.InRange(value, TimeSpan.Zero, GoDuration.Max);
            Assert.Matches(new Regex(GoDuration.Pattern.Replace("$", "\\z", StringComparison.Ordinal)), text);
        }, iter: 20_000);
    }

    [Fact]
    public void Parts_add_up_as_Go_adds_them_and_a_sum_past_the_bound_is_refused()
    {
        var part = Gen.Frequency((3, Gen.Long[0, 100_000]), (1, Gen.Long[0, long.MaxValue]));
        Gen.Select(part, part, part, part).Sample((h, m, s, ms) =>
        {
            var text = $"{h}h{m}m{s}s{ms}ms";
            var total = (BigInteger)h * TimeSpan.TicksPerHour + (BigInteger)m * TimeSpan.TicksPerMinute + (BigInteger)s * TimeSpan.TicksPerSecond + (BigInteger)ms * TimeSpan.TicksPerMillisecond;
            var parsed = GoDuration.TryParse(text, out var value);
            Assert.Equal(total <= GoDuration.Max.Ticks, parsed);
            if (parsed) Assert.Equal((long)total, value.Ticks);
        }, iter: 20_000);
    }

    [Fact]
    public void Every_whole_millisecond_up_to_the_bound_survives_a_round_trip()
    {
        Gen.Long[0, (long)GoDuration.Max.TotalMilliseconds].Sample(ms =>
        {
            var value = TimeSpan.FromMilliseconds(ms);
            Assert.True(GoDuration.TryParse(GoDuration.Format(value), out var again), GoDuration.Format(value));
            Assert.Equal(value, again);
        }, iter: 20_000);
    }

    [Fact]
    public void The_message_names_the_field_and_the_bound_on_one_line()
    {
        var message = GoDuration.Invalid("spec.stop.gracePeriod", "9\n" + new string('9', 100) + "h");

        Assert.StartsWith("spec.stop.gracePeriod \"9?999", message, StringComparison.Ordinal);
        Assert.Contains("at most 8760h", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
        Assert.True(message.Length < 150, message);
    }
}
