using ServerPower.KubectlPower.Cli;

namespace ServerPower.KubectlPower.Tests;

public sealed class ArgumentParserTests
{
    private static Invocation Parse(params string[] args) => ArgumentParser.Parse(args);

    private static string Refused(params string[] args) => Assert.Throws<UsageException>(() => Parse(args)).Message;

    [Fact]
    public void Options_may_stand_anywhere_in_every_spelling_kubectl_accepts()
    {
        var a = Parse("--kubeconfig", "/k", "restart", "web", "-n", "prod", "db", "--wait", "--timeout=90s", "--context=c1");
        Assert.Equal("restart", a.Command);
        Assert.Equal(["web", "db"], a.Names);
        Assert.Equal(("/k", "c1", "prod"), (a.Kubeconfig, a.Context, a.Namespace));
        Assert.True(a.Wait);
        Assert.Equal(TimeSpan.FromSeconds(90), a.Timeout);

        Assert.Equal("prod", Parse("status", "-nprod").Namespace);
        Assert.Equal("prod", Parse("status", "-n=prod").Namespace);
        Assert.Equal("prod", Parse("status", "--namespace", "prod").Namespace);
        Assert.Equal("tier=web", Parse("stop", "-l", "tier=web").Selector);
        Assert.Equal("tier=web", Parse("stop", "--selector=tier=web").Selector);
        Assert.True(Parse("status", "-A").AllNamespaces);
        Assert.Equal(Invocation.DefaultTimeout, Parse("rebuild", "x", "--wait").Timeout);
    }

    [Fact]
    public void Wake_takes_names_or_a_selector_like_restart()
    {
        var a = Parse("wake", "mc", "cs", "-n", "games");
        Assert.Equal(("wake", "games"), (a.Command, a.Namespace));
        Assert.Equal(["mc", "cs"], a.Names);
        Assert.Equal("game=true", Parse("wake", "-l", "game=true").Selector);
    }

    [Fact]
    public void Hold_reads_the_name_the_state_and_the_duration()
    {
        var a = Parse("hold", "web", "Stopped", "--for", "1h30m");
        Assert.Equal(["web"], a.Names);
        Assert.Equal("Stopped", a.HoldState);
        Assert.Equal(TimeSpan.FromMinutes(90), a.For);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("restart", "--help")]
    [InlineData("hold", "-h")]
    [InlineData("status", "web", "--help")]
    [InlineData("nonsense", "--help")]
    public void Help_is_asked_for_anywhere_and_wins_over_everything_else(params string[] args)
    {
        Assert.True(Parse(args).Help);
    }

    [Fact]
    public void No_arguments_at_all_is_the_overview()
    {
        var a = Parse();
        Assert.True(a.Help);
        Assert.Equal("", a.Command);
    }

    [Theory]
    [InlineData("unknown command 'frob'", "frob")]
    [InlineData("unknown option '--frob'", "status", "--frob")]
    [InlineData("restart needs NAME... or -l SELECTOR", "restart")]
    [InlineData("takes NAME... or -l SELECTOR, not both", "stop", "web", "-l", "a=b")]
    [InlineData("--wait does not apply to stop", "stop", "web", "--wait")]
    [InlineData("-A does not apply to restart", "restart", "web", "-A")]
    [InlineData("--timeout applies only with --wait", "restart", "web", "--timeout", "1m")]
    [InlineData("--timeout must be a duration", "restart", "web", "--wait", "--timeout", "soon")]
    [InlineData("wake needs NAME... or -l SELECTOR", "wake")]
    [InlineData("--wait does not apply to wake", "wake", "mc", "--wait")]
    [InlineData("'MC' is not an object name", "wake", "MC")]
    [InlineData("hold needs --for DURATION", "hold", "web", "Running")]
    [InlineData("the state must be Running or Stopped, not 'running'", "hold", "web", "running", "--for", "2h")]
    [InlineData("hold needs NAME and a state", "hold", "web", "--for", "2h")]
    [InlineData("--for must be longer than 0s", "hold", "web", "Stopped", "--for", "0s")]
    [InlineData("--for does not apply to stop", "stop", "web", "--for", "2h")]
    [InlineData("release needs NAME...", "release")]
    [InlineData("status takes at most one NAME", "status", "a", "b")]
    [InlineData("-A and -l apply only without NAME", "status", "web", "-A")]
    [InlineData("-A and -n cannot be used together", "status", "-A", "-n", "x")]
    [InlineData("-n needs a value", "status", "-n")]
    [InlineData("--all-namespaces takes no value", "status", "--all-namespaces=yes")]
    // issue 20: every value is checked here, extremes included
    [InlineData("--for must be a duration like 90s, 10m or 1h30m, at most 8760h, not '99999999h'", "hold", "web", "Stopped", "--for", "99999999h")]
    [InlineData("--timeout must be a duration like 90s, 10m or 1h30m, at most 8760h", "restart", "web", "--wait", "--timeout", "8761h")]
    [InlineData("'Web' is not an object name", "hold", "Web", "Stopped", "--for", "2h")]
    [InlineData("'a/b' is not an object name", "restart", "a/b")]
    [InlineData("'Prod' is not a namespace name", "status", "-n", "Prod")]
    [InlineData("unknown option '--fo?r'", "status", "--fo\nr")]
    [InlineData("unknown command 'sto?p'", "sto\u2028p")]
    public void A_command_line_that_cannot_run_is_refused_with_one_line_saying_why(string expected, params string[] args)
    {
        var message = Refused(args);
        Assert.Contains(expected, message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void Everything_after_a_double_dash_is_a_name_and_must_be_one()
    {
        Assert.Equal(["web", "db.1"], Parse("release", "--", "web", "db.1").Names);
        Assert.Contains("'-odd' is not an object name", Refused("release", "--", "-odd"));
    }
}
