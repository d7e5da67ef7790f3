using System.Text;
using ServerPower.Reliability.Tests.Infrastructure;

namespace ServerPower.Reliability.Tests;

/// <summary>The scan finds a token in plain text and inside longer base64 at any alignment, and nothing else.</summary>
public sealed class SecretScanTests
{
    private const string Token = "sim-0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("Authorization: Bearer ")]
    public void A_token_inside_base64_is_found_whatever_precedes_it(string prefix)
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(prefix + Token + "\n"));

        Assert.Single(SecretScan.Find($"data: {{token: {encoded}}}", [Token]));
    }

    [Fact]
    public void A_token_in_plain_text_is_found_and_a_redacted_message_is_not()
    {
        Assert.Single(SecretScan.Find($"refused token {Token}", [Token]));
        Assert.Empty(SecretScan.Find("refused token [redacted]", [Token]));
    }
}
