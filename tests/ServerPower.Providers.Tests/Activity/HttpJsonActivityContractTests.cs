using ServerPower.Providers.Activity;
using ServerPower.Providers.Outbound;
using ServerPower.Providers.Tests.Support;

namespace ServerPower.Providers.Tests.Activity;

/// <summary>The httpGet activity reader: a JSON number at a dotted path, over loopback; anything else is unknown.</summary>
public sealed class HttpJsonActivityContractTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ActivityReader Reader() =>
        new(new OutboundConnector(OutboundPolicy.AllowingLoopback), TimeProvider.System, new ActivityReaderOptions { MaxAnswerBytes = 1024 });

    [Theory]
    [InlineData("""{"players": 4}""", ".players", 4)]
    [InlineData("""{"a": {"b": 0}}""", ".a.b", 0)]
    [InlineData("""{"online": {"players": 31, "max": 40}}""", ".online.players", 31)]
    public async Task Reads_the_number_at_the_path(string body, string path, int players)
    {
        await using var server = new JsonAnswerListener(body);
        using var reader = Reader();

        var read = await reader.ReadAsync(ActivityTarget.HttpGet(server.BaseAddress + "status", path), Ct);

        Assert.Equal(ActivityRead.Count(players, $"{players} players"), read);
    }

    [Theory]
    [InlineData("""{"players": 4}""", ".online", "the answer has no .online")]
    [InlineData("""{"players": "4"}""", ".players", ".players is not a whole number of 0 or more")]
    [InlineData("""{"players": -1}""", ".players", ".players is not a whole number of 0 or more")]
    [InlineData("""{"players": 2.5}""", ".players", ".players is not a whole number of 0 or more")]
    [InlineData("""{"players": null}""", ".players", ".players is not a whole number of 0 or more")]
    [InlineData("""[1, 2]""", ".players", "the answer has no .players")]
    [InlineData("""<html>down</html>""", ".players", "the answer is not JSON")]
    [InlineData("""{"players": 4}""", "players", "jsonPath 'players' is not a dotted path of property names such as .players or .a.b")]
    [InlineData("""{"players": 4}""", ".a..b", "jsonPath '.a..b' is not a dotted path of property names such as .players or .a.b")]
    public async Task Anything_but_a_whole_number_is_unreadable(string body, string path, string message)
    {
        await using var server = new JsonAnswerListener(body);
        using var reader = Reader();

        var read = await reader.ReadAsync(ActivityTarget.HttpGet(server.BaseAddress + "status", path), Ct);

        Assert.Equal(ActivityRead.Unknown(ActivityOutcome.Unreadable, message), read);
    }

    [Theory]
    [InlineData(503, "HTTP 503")]
    [InlineData(302, "HTTP 302 (redirect not followed)")]
    public async Task An_error_status_or_redirect_is_a_failed_read(int status, string message)
    {
        await using var server = new JsonAnswerListener("""{"players": 0}""", status);
        using var reader = Reader();

        var read = await reader.ReadAsync(ActivityTarget.HttpGet(server.BaseAddress + "status", ".players"), Ct);

        Assert.Equal(ActivityRead.Unknown(ActivityOutcome.Failed, message), read);
    }

    [Fact]
    public async Task A_body_past_the_bound_is_too_large_and_not_read_to_its_end()
    {
        await using var server = new HugeAnswerListener(64 * 1024 * 1024);
        using var reader = Reader();

        var read = await reader.ReadAsync(ActivityTarget.HttpGet(server.BaseAddress + "status", ".players"), Ct);

        Assert.Equal(ActivityRead.Unknown(ActivityOutcome.TooLarge, "the answer is longer than 1024 bytes"), read);
        Assert.True(server.Sent < 64 * 1024 * 1024, $"the listener sent all {server.Sent} bytes");
    }
}
