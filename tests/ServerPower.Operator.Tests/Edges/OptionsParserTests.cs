using ServerPower.Operator.Hosting;

namespace ServerPower.Operator.Tests.Edges;

public sealed class OptionsParserTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void Defaults_are_safe()
    {
        var options = OptionsParser.Parse([], NoEnvironment);
        Assert.Empty(options.Namespaces);
        Assert.True(options.LeaderElection);
        Assert.False(options.AllowHttpEndpoints);
        Assert.Equal(TimeSpan.FromMinutes(5), options.ResyncPeriod);
        Assert.Equal(8080, options.Port);
    }

    [Fact]
    public void Arguments_override_the_environment()
    {
        var env = new Dictionary<string, string> { ["SERVERPOWER_WORKERS"] = "8", ["SERVERPOWER_NAMESPACES"] = "a,b", ["POD_NAMESPACE"] = "ops" };
        var options = OptionsParser.Parse(["--workers", "2", "--resync-period=90s", "--allow-http-endpoints"], env);
        Assert.Equal(2, options.Workers);
        Assert.Equal(["a", "b"], options.Namespaces);
        Assert.Equal(TimeSpan.FromSeconds(90), options.ResyncPeriod);
        Assert.True(options.AllowHttpEndpoints);
        Assert.Equal("ops", options.LeaderElectionNamespace);
    }

    [Theory]
    [InlineData("--workers", "many", "--workers must be a whole number")]
    [InlineData("--resync-period", "soon", "--resync-period must be a duration")]
    [InlineData("--leader-election", "maybe", "--leader-election must be true or false")]
    [InlineData("--log-format", "xml", "--log-format must be 'text' or 'json'")]
    [InlineData("--colour", "blue", "unknown option '--colour'")]
    public void A_bad_value_is_one_clear_error(string name, string value, string expected)
    {
        var error = Assert.Throws<OptionsException>(() => OptionsParser.Parse([name, value], NoEnvironment));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}

public sealed class TimingOptionsTests
{
    [Fact]
    public void Decision_timings_come_from_arguments_and_environment()
    {
        var options = ServerPower.Operator.Hosting.OptionsParser.Parse(["--min-poll", "1s", "--max-poll=45s"],
            new Dictionary<string, string> { ["SERVERPOWER_START_TIMEOUT"] = "2m", ["SERVERPOWER_DRAIN_TIMEOUT"] = "10s" });
        var settings = ServerPower.Operator.Hosting.OperatorHost.Settings(options);

        Assert.Equal(TimeSpan.FromSeconds(1), settings.MinPoll);
        Assert.Equal(TimeSpan.FromSeconds(45), settings.MaxPoll);
        Assert.Equal(TimeSpan.FromMinutes(2), settings.StartEffectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.DrainTimeout);
    }

    [Fact]
    public void A_max_poll_below_min_poll_is_one_clear_error()
    {
        var e = Assert.Throws<ServerPower.Operator.Hosting.OptionsException>(() =>
            ServerPower.Operator.Hosting.OptionsParser.Parse(["--min-poll", "10s", "--max-poll", "5s"], new Dictionary<string, string>()));
        Assert.Contains("--max-poll", e.Message, StringComparison.Ordinal);
    }
}
