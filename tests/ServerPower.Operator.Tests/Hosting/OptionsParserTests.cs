using ServerPower.Operator.Hosting;

namespace ServerPower.Operator.Tests.Hosting;

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

    [Fact]
    public void The_service_account_files_default_to_the_pods_mount_and_can_be_pointed_elsewhere()
    {
        var env = new Dictionary<string, string> { ["SERVERPOWER_SERVICE_ACCOUNT_CA_FILE"] = "/tmp/sa/ca.crt" };

        var defaults = OptionsParser.Parse([], NoEnvironment).ServiceAccount;
        var chosen = OptionsParser.Parse(["--service-account-token-file", "/tmp/sa/token"], env).ServiceAccount;

        Assert.Equal(("/var/run/secrets/kubernetes.io/serviceaccount/token", "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"), (defaults.TokenFile, defaults.CaFile));
        Assert.Equal(("/tmp/sa/token", "/tmp/sa/ca.crt"), (chosen.TokenFile, chosen.CaFile));
    }

    [Theory]
    [InlineData("--workers", "many", "--workers must be a whole number")]
    [InlineData("--resync-period", "soon", "--resync-period must be a duration")]
    [InlineData("--resync-period", "999999999h", "--resync-period must be a duration like 90s, 10m or 1h30m, at most 8760h, not '999999999h'")]
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

public sealed class ProviderSettingsTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void Defaults_are_the_providers_own()
    {
        var options = new ServerPower.Providers.ProviderOptions();
        OptionsParser.Parse([], NoEnvironment).Provider.ApplyTo(options);

        var defaults = new ServerPower.Providers.ProviderOptions();
        Assert.Equal(defaults.RequestTimeout, options.RequestTimeout);
        Assert.Equal(defaults.MaxAttempts, options.MaxAttempts);
        Assert.Equal(defaults.RetryBaseDelay, options.RetryBaseDelay);
        Assert.Equal(defaults.MaxRetryDelay, options.MaxRetryDelay);
        Assert.Equal(defaults.BatchReadMaxAge, options.BatchReadMaxAge);
        Assert.Equal(defaults.BreakerFailureRatio, options.BreakerFailureRatio);
        Assert.Equal(defaults.BreakerMinimumThroughput, options.BreakerMinimumThroughput);
        Assert.Equal(defaults.BreakerSamplingDuration, options.BreakerSamplingDuration);
        Assert.Equal(defaults.BreakerBreakDuration, options.BreakerBreakDuration);
    }

    [Fact]
    public void Provider_timeouts_and_breaker_come_from_arguments_and_environment_and_reach_the_provider_options()
    {
        var env = new Dictionary<string, string>
        {
            ["SERVERPOWER_PROVIDER_REQUEST_TIMEOUT"] = "3s",
            ["SERVERPOWER_BREAKER_FAILURE_RATIO"] = "0.5",
            ["SERVERPOWER_BREAKER_BREAK_DURATION"] = "2m",
            ["SERVERPOWER_PROVIDER_MAX_ATTEMPTS"] = "5",
        };
        var settings = OptionsParser.Parse([
            "--provider-max-attempts", "2", "--provider-retry-base-delay=250ms", "--provider-max-retry-delay", "10s",
            "--provider-batch-read-max-age", "0s", "--breaker-minimum-throughput", "20", "--breaker-sampling-duration=1m",
        ], env).Provider;
        var options = new ServerPower.Providers.ProviderOptions();
        settings.ApplyTo(options);

        Assert.Equal(TimeSpan.FromSeconds(3), options.RequestTimeout);
        Assert.Equal(2, options.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), options.MaxRetryDelay);
        Assert.Equal(TimeSpan.Zero, options.BatchReadMaxAge);
        Assert.Equal(0.5, options.BreakerFailureRatio);
        Assert.Equal(20, options.BreakerMinimumThroughput);
        Assert.Equal(TimeSpan.FromMinutes(1), options.BreakerSamplingDuration);
        Assert.Equal(TimeSpan.FromMinutes(2), options.BreakerBreakDuration);
    }

    [Theory]
    [InlineData("--provider-request-timeout", "50ms", "--provider-request-timeout must be from 100ms to 1h")]
    [InlineData("--provider-request-timeout", "soon", "--provider-request-timeout must be a duration")]
    [InlineData("--provider-max-attempts", "0", "--provider-max-attempts must be a whole number from 1 to 10")]
    [InlineData("--provider-retry-base-delay", "1m", "--provider-retry-base-delay must be at most --provider-max-retry-delay")]
    [InlineData("--provider-batch-read-max-age", "1h", "--provider-batch-read-max-age must be at most 10m")]
    [InlineData("--breaker-failure-ratio", "1.5", "--breaker-failure-ratio must be a number above 0 and at most 1")]
    [InlineData("--breaker-failure-ratio", "0", "--breaker-failure-ratio must be a number above 0 and at most 1")]
    [InlineData("--breaker-minimum-throughput", "1", "--breaker-minimum-throughput must be a whole number from 2")]
    [InlineData("--breaker-break-duration", "100ms", "--breaker-sampling-duration and --breaker-break-duration must be from 1s to 24h")]
    public void A_bad_provider_setting_is_one_clear_error(string name, string value, string expected)
    {
        var error = Assert.Throws<OptionsException>(() => OptionsParser.Parse([name, value], NoEnvironment));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void The_usage_names_every_provider_setting()
    {
        foreach (var name in ProviderSettingsParser.Names) Assert.Contains("--" + name + " ", OptionsParser.Usage, StringComparison.Ordinal);
    }
}
