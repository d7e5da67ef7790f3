using System.Text.Json;
using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;

namespace ServerPower.Api.Tests.Serialization;

public sealed class KubeTimeConverterTests
{
    [Fact]
    public void Formats_in_UTC_with_second_precision()
    {
        var local = new DateTimeOffset(2026, 11, 22, 12, 30, 15, 789, TimeSpan.FromHours(2));

        Assert.Equal("2026-11-22T10:30:15Z", KubeTimeConverter.Format(local));
    }

    [Theory]
    [InlineData("2026-11-22T10:30:15Z")]
    [InlineData("2026-11-22T12:30:15+02:00")]
    [InlineData("2026-11-22T10:30:15.123456Z")]
    [InlineData("2026-11-22t10:30:15z")]
    [InlineData("2026-11-23T09:29:15+22:59")]
    public void Reads_RFC3339_as_Kubernetes_writes_it(string text)
    {
        var condition = ApiJson.Deserialize<Condition>($$"""{"lastTransitionTime": "{{text}}"}""")!;

        Assert.Equal(TimeSpan.Zero, condition.LastTransitionTime.Offset);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 30, 15, TimeSpan.Zero), KubeTimeConverter.Truncate(condition.LastTransitionTime));
    }

    [Fact]
    public void A_truncated_time_survives_a_round_trip_equal()
    {
        var now = KubeTimeConverter.Truncate(new DateTimeOffset(2026, 11, 22, 10, 30, 15, 999, TimeSpan.FromHours(-5)));
        var json = ApiJson.Serialize(new Condition { LastTransitionTime = now });

        Assert.Equal(now, ApiJson.Deserialize<Condition>(json)!.LastTransitionTime);
        Assert.Contains("\"2026-11-22T15:30:15Z\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9999-12-31T23:59:59-01:00")]
    [InlineData("tomorrow")]
    public void A_time_that_is_none_is_a_JsonException(string text)
    {
        Assert.Throws<JsonException>(() => ApiJson.Deserialize<Condition>($$"""{"lastTransitionTime": "{{text}}"}"""));
    }

    [Fact]
    public void A_null_time_is_refused()
    {
        Assert.Throws<JsonException>(() => ApiJson.Deserialize<Condition>("""{"lastTransitionTime": null}"""));
    }
}
