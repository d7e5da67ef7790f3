using CsCheck;
using ServerPower.Api.Resources;
using ServerPower.Operator.Decision;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>spec.stop.warning that skipped admission: a specific InvalidSpec message, never an exception.</summary>
public sealed class StopWarningRulesTests
{
    private static ServerPowerSpec With(string before, string command) =>
        new() { ServerId = "1", Stop = new StopSpec { Warning = new StopWarningSpec { Before = before, Command = command } } };

    [Theory]
    [InlineData("5m", "say Server stops in 5 minutes", null)]
    [InlineData("1h", "say bye", null)]
    [InlineData("1ms", "x", null)]
    [InlineData("0s", "say bye", "spec.stop.warning.before \"0s\" must be more than 0s and at most 1h")]
    [InlineData("61m", "say bye", "spec.stop.warning.before \"61m\" must be more than 0s and at most 1h")]
    [InlineData("five minutes", "say bye", "spec.stop.warning.before \"five minutes\" is not a duration like 90s, 10m or 1h30m, at most 8760h")]
    [InlineData("", "say bye", "spec.stop.warning.before \"\" is not a duration like 90s, 10m or 1h30m, at most 8760h")]
    [InlineData("5m", "", "spec.stop.warning.command must be one line of 1 to 512 characters without control characters")]
    [InlineData("5m", "say a\nstop", "spec.stop.warning.command must be one line of 1 to 512 characters without control characters")]
    [InlineData("5m", "say a\rstop", "spec.stop.warning.command must be one line of 1 to 512 characters without control characters")]
    public void The_rules(string before, string command, string? invalid)
    {
        var (warning, message) = StopWarningRules.Read(With(before, command));

        Assert.Equal(invalid, message);
        Assert.Equal(invalid is null, warning is not null);
        if (warning is not null) Assert.Equal(command, warning.Command);
    }

    [Fact]
    public void A_command_longer_than_one_console_line_is_refused()
    {
        Assert.NotNull(StopWarningRules.Read(With("5m", new string('a', 513))).Invalid);
        Assert.Null(StopWarningRules.Read(With("5m", new string('a', 512))).Invalid);
    }

    [Fact]
    public void Without_a_warning_there_is_nothing()
    {
        Assert.Equal((null, null), StopWarningRules.Read(new ServerPowerSpec { ServerId = "1", Stop = new StopSpec() }));
        Assert.Equal((null, null), StopWarningRules.Read(new ServerPowerSpec { ServerId = "1" }));
    }

    [Fact]
    public void Any_warning_gives_a_warning_or_a_message_never_both()
    {
        Gen.Select(Gen.OneOf(Gen.String, AutoStopRulesTests.Of("5m", "0s", "1h", "1h1ms")), Gen.String).Sample((before, command) =>
        {
            var (warning, invalid) = StopWarningRules.Read(With(before, command));
            Assert.True((warning is null) != (invalid is null));
            if (warning is not null) Assert.InRange(warning.Before, TimeSpan.FromTicks(1), StopWarningRules.MaxBefore);
        }, iter: 5_000);
    }
}
