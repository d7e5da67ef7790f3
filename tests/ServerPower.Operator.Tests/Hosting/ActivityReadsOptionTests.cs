using ServerPower.Operator.Hosting;

namespace ServerPower.Operator.Tests.Hosting;

public sealed class ActivityReadsOptionTests
{
    [Fact]
    public void Activity_reads_are_on_by_default_and_can_be_turned_off_by_flag_or_environment()
    {
        Assert.True(OptionsParser.Parse([], new Dictionary<string, string>()).ActivityReads);
        Assert.False(OptionsParser.Parse(["--activity-reads=false"], new Dictionary<string, string>()).ActivityReads);
        Assert.False(OptionsParser.Parse([], new Dictionary<string, string> { ["SERVERPOWER_ACTIVITY_READS"] = "false" }).ActivityReads);
        Assert.Throws<OptionsException>(() => OptionsParser.Parse(["--activity-reads", "sometimes"], new Dictionary<string, string>()));
        Assert.Contains("--activity-reads", OptionsParser.Usage, StringComparison.Ordinal);
    }
}
