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
