using ServerPower.Operator.Hosting;

namespace ServerPower.Operator.Tests.Hosting;

public sealed class ReadinessProbeOptionTests
{
    [Fact]
    public void Probes_are_on_by_default_and_can_be_turned_off_by_flag_or_environment()
    {
        Assert.True(OptionsParser.Parse([], new Dictionary<string, string>()).ReadinessProbes);
        Assert.False(OptionsParser.Parse(["--readiness-probes=false"], new Dictionary<string, string>()).ReadinessProbes);
        Assert.False(OptionsParser.Parse([], new Dictionary<string, string> { ["SERVERPOWER_READINESS_PROBES"] = "false" }).ReadinessProbes);
        Assert.Throws<OptionsException>(() => OptionsParser.Parse(["--readiness-probes", "sometimes"], new Dictionary<string, string>()));
        Assert.Contains("--readiness-probes", OptionsParser.Usage, StringComparison.Ordinal);
    }
}
