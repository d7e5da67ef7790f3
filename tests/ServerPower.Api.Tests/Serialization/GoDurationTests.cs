using ServerPower.Api.Serialization;

namespace ServerPower.Api.Tests.Serialization;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("90s", 90_000)]
    [InlineData("10m", 600_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("250ms", 250)]
    [InlineData("1h0m0s", 3_600_000)]
    [InlineData("0s", 0)]
    // the extremes within the bound (8760h) are read exactly
    [InlineData("8760h", 8760 * 3600_000L)]
    [InlineData("525600m", 8760 * 3600_000L)]
    [InlineData("8759h59m59.999s", 8760 * 3600_000L - 1)]
    [InlineData("00000000000000000001s", 1000)]
    [InlineData("1.000000000000000000001s", 1000)]
    [InlineData("1s500ms", 1500)]
    public void Parses_what_Kubernetes_and_Go_write(string text, long milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("-1s")]
    [InlineData("1d")]
    [InlineData("m")]
    [InlineData("1h 30m")]
    [InlineData("10M")]
    // past the bound: refused, not thrown (999999999h threw OverflowException on every reconcile, issue 20)
    [InlineData("999999999h")]
    [InlineData("2562048h")]
    [InlineData("99999999999999999999s")]
    [InlineData("8760h0m0.001s")]
    [InlineData("8761h")]
    [InlineData("525601m")]
    // line breaks, white space and other digits
    [InlineData("10m\n")]
    [InlineData("\n10m")]
    [InlineData("１0m")]
    [InlineData("٣s")]
    [InlineData(" 10m")]
    public void Refuses_anything_else(string? text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
    }

    [Theory]
    [InlineData(90_000, "1m30s")]
    [InlineData(600_000, "10m")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(93_600_000, "26h")]
    [InlineData(250, "250ms")]
    [InlineData(0, "0ms")]
    [InlineData(61_500, "1m1s500ms")]
    [InlineData(31_536_000_000, "8760h")]
    public void Formats_compactly(long milliseconds, string expected)
    {
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(59)]
    [InlineData(61)]
    [InlineData(3_599)]
    [InlineData(3_661)]
    [InlineData(90_061)]
    public void Whole_seconds_survive_a_round_trip(int seconds)
    {
        var value = TimeSpan.FromSeconds(seconds);

        Assert.True(GoDuration.TryParse(GoDuration.Format(value), out var again));
        Assert.Equal(value, again);
    }
}
