using CsCheck;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Api.Tests.Vocabulary;

/// <summary>The one-shot token rule, over whatever a user writes, and the tokens the plugin makes at any instant.</summary>
public sealed class OneShotTokensTests
{
    [Theory]
    [InlineData("a", true)]
    [InlineData("20261130T101500Z-3f9a1c", true)]
    [InlineData("v1.2_3:4-5", true)]
    [InlineData("abc\n", false)]
    [InlineData("abc\r\n", false)]
    [InlineData("-abc", false)]
    [InlineData("abc.", false)]
    [InlineData("", false)]
    [InlineData("３", false)]
    [InlineData("abc def", false)]
    public void The_rule(string token, bool valid)
    {
        Assert.Equal(valid, OneShotTokens.IsValid(token));
    }

    [Fact]
    public void A_valid_token_is_1_to_63_of_the_allowed_characters()
    {
        Gen.OneOf(ExtremeText.Value, Gen.String["abcXYZ019._:-\n "]).Sample(token =>
        {
            if (!OneShotTokens.IsValid(token)) return;
            Assert.InRange(token.Length, 1, Annotations.MaxTokenLength);
            Assert.All(token, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-', $"'{c}' in \"{token}\""));
            Assert.True(char.IsAsciiLetterOrDigit(token[0]) && char.IsAsciiLetterOrDigit(token[^1]));
        }, iter: 20_000);
    }

    [Fact]
    public void A_new_token_is_valid_at_any_instant()
    {
        Gen.Select(Gen.Long[DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks], Gen.Int).Sample((ticks, seed) =>
            Assert.True(OneShotTokens.IsValid(OneShotTokens.New(new DateTimeOffset(ticks, TimeSpan.Zero), new Random(seed)))), iter: 5_000);
    }

    [Theory]
    [InlineData("power.serverops.io/wake", "20261130T101500Z-3f9a1c", false)]
    [InlineData("power.serverops.io/wake", null, true)]
    [InlineData("power.serverops.io/wake", "wake me", true)]
    [InlineData("power.serverops.io/restart", "r1\n", true)]
    public void Invalid_names_the_annotation_and_the_rule_for_every_one_shot(string annotation, string? token, bool refused)
    {
        var message = OneShotTokens.Invalid(annotation, token);

        Assert.Equal(refused, message is not null);
        if (refused) Assert.Equal($"annotation {annotation} must be {OneShotTokens.Rule}; it is ignored and nothing is sent for it", message);
    }

    [Fact]
    public void Invalid_agrees_with_the_rule_on_any_text()
    {
        Gen.OneOf(ExtremeText.Value, Gen.String["abcXYZ019._:-\n "]).Sample(token =>
            Assert.Equal(OneShotTokens.IsValid(token), OneShotTokens.Invalid(Annotations.Wake, token) is null), iter: 5_000);
    }
}
