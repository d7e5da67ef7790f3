using System.Globalization;
using CsCheck;
using ServerPower.Api.Serialization;

namespace ServerPower.Api.Tests.Serialization;

/// <summary>
/// <see cref="Rfc3339"/> reads what RFC 3339 allows (lowercase t and z, any offset up to ±23:59, any number of fraction
/// digits) and is total: a time that leaves 0001..9999 once the offset is applied is refused, never thrown.
/// </summary>
public sealed class Rfc3339Tests
{
    [Theory]
    [InlineData("2026-12-01T18:00:00Z", "2026-12-01T18:00:00.0000000Z")]
    [InlineData("2026-12-01t18:00:00z", "2026-12-01T18:00:00.0000000Z")]
    [InlineData("2026-12-01t19:00:00+01:00", "2026-12-01T18:00:00.0000000Z")]
    [InlineData("2026-12-01T18:00:00.123456789012Z", "2026-12-01T18:00:00.1234567Z")]
    [InlineData("2026-12-01T00:00:00+23:59", "2026-11-30T00:01:00.0000000Z")]
    [InlineData("2026-12-01T00:00:00-23:59", "2026-12-01T23:59:00.0000000Z")]
    [InlineData("9999-12-31T23:59:59Z", "9999-12-31T23:59:59.0000000Z")]
    [InlineData("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z")]
    [InlineData("9999-12-31T23:59:59+01:00", "9999-12-31T22:59:59.0000000Z")]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000Z")]
    [InlineData("0001-01-01T00:00:00-00:01", "0001-01-01T00:01:00.0000000Z")]
    [InlineData("2028-02-29T12:00:00Z", "2028-02-29T12:00:00.0000000Z")]
    public void Reads_what_RFC_3339_allows(string text, string utc)
    {
        Assert.True(Rfc3339.TryParse(text, out var value));
        Assert.Equal(TimeSpan.Zero, value.Offset);
        Assert.Equal(utc, value.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("9999-12-31T23:59:59-01:00")]
    [InlineData("9999-12-31T23:59:59.99999999-00:01")]
    [InlineData("0001-01-01T00:00:00+00:01")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("2026-02-29T12:00:00Z")]
    [InlineData("2026-12-01T24:00:00Z")]
    [InlineData("2026-12-31T23:59:60Z")]
    [InlineData("2026-12-01T18:00:00+24:00")]
    [InlineData("2026-12-01T18:00:00+01:60")]
    [InlineData("2026-12-01T18:00:00")]
    [InlineData("2026-12-01 18:00:00Z")]
    [InlineData("2026-12-01T18:00:00Z\n")]
    [InlineData("2026-12-01T18:00:00+0100")]
    [InlineData("２026-12-01T18:00:00Z")]
    [InlineData("")]
    [InlineData(null)]
    public void Refuses_anything_else_and_every_time_outside_the_years_1_to_9999(string? text)
    {
        Assert.False(Rfc3339.TryParse(text, out _));
    }

    [Fact]
    public void Any_text_reads_as_a_UTC_time_or_as_nothing()
    {
        ExtremeText.Value.Sample(text =>
        {
            if (Rfc3339.TryParse(text, out var value)) Assert.Equal(TimeSpan.Zero, value.Offset);
        }, iter: 20_000);
    }

    /// <summary>Any instant written with any offset and either case of t and z reads back as that instant.</summary>
    [Fact]
    public void Every_instant_written_with_any_offset_reads_back()
    {
        var offsets = Gen.Frequency((3, Gen.Int[-1439, 1439]), (1, Gen.OneOf(-1439, -1, 0, 1, 1439)));
        var ticks = Gen.Frequency((3, Gen.Long[DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks]),
            (1, Gen.OneOf(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay)));
        Gen.Select(ticks, offsets, Gen.Bool, Gen.Bool).Sample((utcTicks, offsetMinutes, lowerT, lowerZ) =>
        {
            var localTicks = utcTicks + offsetMinutes * TimeSpan.TicksPerMinute;
            if (localTicks < DateTime.MinValue.Ticks || localTicks > DateTime.MaxValue.Ticks) return; // not writable in four-digit years
            var local = new DateTime(localTicks).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture);
            var offset = offsetMinutes == 0 && lowerZ ? "z"
                : $"{(offsetMinutes < 0 ? "-" : "+")}{Math.Abs(offsetMinutes) / 60:00}:{Math.Abs(offsetMinutes) % 60:00}";
            var text = (lowerT ? local.Replace('T', 't') : local) + offset;

            Assert.True(Rfc3339.TryParse(text, out var value), text);
            Assert.Equal(utcTicks, value.UtcTicks);
        }, iter: 20_000);
    }
}
