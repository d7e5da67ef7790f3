using CsCheck;
using ServerPower.Api.Resources;
using ServerPower.Operator.Decision;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>
/// spec.autoStop and spec.stop.warning that skipped admission: each gives one specific InvalidSpec message naming the
/// field, never an exception; valid ones give the plan with its defaults.
/// </summary>
public sealed class AutoStopRulesTests
{
    private static readonly ActivitySpec Minecraft = new() { Minecraft = new ActivityEndpoint { Host = "mc.example.com", Port = 25565 } };
    private static readonly ActivitySpec A2s = new() { A2s = new ActivityEndpoint { Host = "203.0.113.7", Port = 27015 } };
    private static readonly ActivitySpec Http = new() { HttpGet = new HttpGetActivity { Url = "https://game.example.com/status", JsonPath = ".players" } };

    private static ServerPowerSpec With(AutoStopSpec autoStop) => new() { ServerId = "1", AutoStop = autoStop };

    public static TheoryData<string, AutoStopSpec, string> Refused => new()
    {
        { "idleAfter not a duration", new() { IdleAfter = "half an hour", Activity = Minecraft }, "spec.autoStop.idleAfter \"half an hour\" is not a duration like 90s, 10m or 1h30m, at most 8760h" },
        { "idleAfter too short", new() { IdleAfter = "9s", Activity = Minecraft }, "spec.autoStop.idleAfter \"9s\" must be at least 10s" },
        { "idleAfter past the bound", new() { IdleAfter = "8761h", Activity = Minecraft }, "spec.autoStop.idleAfter \"8761h\" is not a duration like 90s, 10m or 1h30m, at most 8760h" },
        { "maxRuntime too short", new() { MaxRuntime = "9999ms" }, "spec.autoStop.maxRuntime \"9999ms\" must be at least 10s" },
        { "maxRuntime with a line break", new() { MaxRuntime = "1h\n" }, "spec.autoStop.maxRuntime \"1h?\" is not a duration like 90s, 10m or 1h30m, at most 8760h" },
        { "startupGrace not a duration", new() { MaxRuntime = "1h", StartupGrace = "-1s" }, "spec.autoStop.startupGrace \"-1s\" is not a duration like 90s, 10m or 1h30m, at most 8760h" },
        { "periodSeconds 0", new() { MaxRuntime = "1h", PeriodSeconds = 0 }, "spec.autoStop.periodSeconds 0 must be from 1 to 3600" },
        { "periodSeconds 3601", new() { MaxRuntime = "1h", PeriodSeconds = 3601 }, "spec.autoStop.periodSeconds 3601 must be from 1 to 3600" },
        { "idleAfter without activity", new() { IdleAfter = "30m" }, "spec.autoStop.idleAfter needs spec.autoStop.activity" },
        { "no activity kind", new() { IdleAfter = "30m", Activity = new ActivitySpec() }, "spec.autoStop.activity needs exactly one of minecraft, a2s and httpGet" },
        { "two activity kinds", new() { IdleAfter = "30m", Activity = Minecraft with { A2s = A2s.A2s } }, "spec.autoStop.activity needs exactly one of minecraft, a2s and httpGet" },
        { "port 0", new() { IdleAfter = "30m", Activity = new() { Minecraft = new() { Host = "mc.example.com", Port = 0 } } }, "spec.autoStop.activity.minecraft.port 0 is not a port from 1 to 65535" },
        { "port 65536", new() { IdleAfter = "30m", Activity = new() { A2s = new() { Host = "cs.example.com", Port = 65536 } } }, "spec.autoStop.activity.a2s.port 65536 is not a port from 1 to 65535" },
        { "empty host", new() { IdleAfter = "30m", Activity = new() { A2s = new() { Host = "", Port = 27015 } } }, "spec.autoStop.activity.a2s.host \"\" is not a host name or IP address" },
        { "host with a space", new() { IdleAfter = "30m", Activity = new() { Minecraft = new() { Host = "mc example", Port = 1 } } }, "spec.autoStop.activity.minecraft.host \"mc example\" is not a host name or IP address" },
        { "url not http", new() { IdleAfter = "30m", Activity = new() { HttpGet = new() { Url = "ftp://x/status", JsonPath = ".p" } } }, "spec.autoStop.activity.httpGet.url \"ftp://x/status\" is not an absolute http or https URL" },
        { "url relative", new() { IdleAfter = "30m", Activity = new() { HttpGet = new() { Url = "/status", JsonPath = ".p" } } }, "spec.autoStop.activity.httpGet.url \"/status\" is not an absolute http or https URL" },
        { "url with a password", new() { IdleAfter = "30m", Activity = new() { HttpGet = new() { Url = "https://u:secret@x/s", JsonPath = ".p" } } }, "spec.autoStop.activity.httpGet.url must not carry a user name or password" },
        { "url too long", new() { IdleAfter = "30m", Activity = new() { HttpGet = new() { Url = "https://x/" + new string('a', 2048), JsonPath = ".p" } } }, "spec.autoStop.activity.httpGet.url is longer than 2048 characters" },
        // The serializer lets a JSON null into these non-nullable strings (an object that skipped admission): read as empty.
        { "url null", new() { IdleAfter = "30m", Activity = new() { HttpGet = new() { Url = null!, JsonPath = ".p" } } }, "spec.autoStop.activity.httpGet.url \"\" is not an absolute http or https URL" },
        { "jsonPath null", new() { IdleAfter = "30m", Activity = new() { HttpGet = new() { Url = "https://x/", JsonPath = null! } } }, "spec.autoStop.activity.httpGet.jsonPath \"\" must be 1 to 256 characters without control characters" },
        { "jsonPath empty", new() { IdleAfter = "30m", Activity = new() { HttpGet = new() { Url = "https://x/", JsonPath = "" } } }, "spec.autoStop.activity.httpGet.jsonPath \"\" must be 1 to 256 characters without control characters" },
        { "jsonPath too long", new() { IdleAfter = "30m", Activity = new() { HttpGet = new() { Url = "https://x/", JsonPath = new string('a', 257) } } }, "spec.autoStop.activity.httpGet.jsonPath \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…\" must be 1 to 256 characters without control characters" },
    };

    [Theory, MemberData(nameof(Refused))]
    public void What_the_CRD_refuses_is_InvalidSpec_with_a_specific_message(string _, AutoStopSpec autoStop, string message)
    {
        var (plan, invalid) = AutoStopRules.Read(With(autoStop));

        Assert.Null(plan);
        Assert.Equal(message, invalid);
    }

    public static TheoryData<string, ActivitySpec> AtTheBounds => new()
    {
        { "port 1", new() { Minecraft = new() { Host = "mc.example.com", Port = 1 } } },
        { "port 65535", new() { A2s = new() { Host = "cs.example.com", Port = 65535 } } },
        { "url of 2048 characters", new() { HttpGet = new() { Url = "https://x/" + new string('a', 2048 - "https://x/".Length), JsonPath = ".p" } } },
        { "jsonPath of 256 characters", new() { HttpGet = new() { Url = "https://x/", JsonPath = new string('a', 256) } } },
    };

    [Theory, MemberData(nameof(AtTheBounds))]
    public void Values_at_the_bounds_are_accepted(string _, ActivitySpec activity)
    {
        var (plan, invalid) = AutoStopRules.Read(With(new() { IdleAfter = "30m", Activity = activity }));

        Assert.Null(invalid);
        Assert.Equal(activity, plan!.Activity);
    }

    [Fact]
    public void One_control_character_in_jsonPath_is_refused()
    {
        var (_, invalid) = AutoStopRules.Read(With(new() { IdleAfter = "30m", Activity = new() { HttpGet = new() { Url = "https://x/", JsonPath = ".players\u0007" } } }));

        Assert.StartsWith("spec.autoStop.activity.httpGet.jsonPath ", invalid, StringComparison.Ordinal);
        Assert.EndsWith(" must be 1 to 256 characters without control characters", invalid, StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_in_a_refused_url_is_not_repeated()
    {
        var (_, invalid) = AutoStopRules.Read(With(new() { IdleAfter = "30m", Activity = new() { HttpGet = new() { Url = "gopher://u:secret@x/", JsonPath = ".p" } } }));

        Assert.NotNull(invalid);
        Assert.DoesNotContain("secret", invalid, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_autoStop_there_is_no_plan_and_nothing_to_report() =>
        Assert.Equal((null, null), AutoStopRules.Read(new ServerPowerSpec { ServerId = "1" }));

    [Fact]
    public void The_issues_example_reads_with_its_defaults()
    {
        var (plan, invalid) = AutoStopRules.Read(With(new() { IdleAfter = "30m", MaxRuntime = "12h", Activity = Minecraft }));

        Assert.Null(invalid);
        Assert.Equal(new AutoStopPlan(TimeSpan.FromMinutes(30), TimeSpan.FromHours(12), TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(30), Minecraft), plan);
    }

    [Theory]
    [InlineData("10s", null, "0s", 10, null, 0, 1)]
    [InlineData("10s", "1m", null, 10, 60, 10, 1)]
    [InlineData(null, "10s", null, null, 10, 0, 3600)]
    [InlineData("1h", null, "8760h", 3600, null, 8760 * 3600, 30)]
    public void Short_durations_and_explicit_values_are_kept(
        string? idle, string? runtime, string? grace, int? idleSeconds, int? runtimeSeconds, int graceSeconds, int period)
    {
        var activity = idle is null ? null : Http;
        var (plan, invalid) = AutoStopRules.Read(With(new() { IdleAfter = idle, MaxRuntime = runtime, StartupGrace = grace, PeriodSeconds = period, Activity = activity }));

        Assert.Null(invalid);
        Assert.Equal(new AutoStopPlan(Seconds(idleSeconds), Seconds(runtimeSeconds), TimeSpan.FromSeconds(graceSeconds), TimeSpan.FromSeconds(period), activity), plan);
    }

    [Fact]
    public void Activity_alone_reads_players_without_a_stop_rule()
    {
        var (plan, invalid) = AutoStopRules.Read(With(new() { Activity = A2s }));

        Assert.Null(invalid);
        Assert.Equal(new AutoStopPlan(null, null, TimeSpan.Zero, TimeSpan.FromSeconds(30), A2s), plan);
    }

    [Fact]
    public void Any_autoStop_gives_a_plan_or_a_message_never_both_never_an_exception()
    {
        var text = OrNull(Gen.OneOf(Gen.String, Of("10s", "9s", "1h", "0s", "8760h", "1.5h")));
        var endpoint = Gen.Select(Gen.OneOf(Gen.String, Of("mc.example.com", "::1", "")), Gen.Int).Select((h, p) => new ActivityEndpoint { Host = h, Port = p });
        var http = Gen.Select(Gen.OneOf(Gen.String, Of("https://x/s", "http://127.0.0.1:8080/")), Gen.String).Select((u, j) => new HttpGetActivity { Url = u, JsonPath = j });
        var activity = Gen.Select(OrNull(endpoint), OrNull(endpoint), OrNull(http)).Select((m, a, h) => new ActivitySpec { Minecraft = m, A2s = a, HttpGet = h });
        var spec = Gen.Select(text, text, text, Gen.OneOf(Gen.Int, Gen.Int[0, 3601]), OrNull(activity))
            .Select((i, r, g, p, a) => new AutoStopSpec { IdleAfter = i, MaxRuntime = r, StartupGrace = g, PeriodSeconds = p, Activity = a });

        spec.Sample(autoStop =>
        {
            var (plan, invalid) = AutoStopRules.Read(With(autoStop));
            Assert.True((plan is null) != (invalid is null));
            if (invalid is not null) Assert.StartsWith("spec.autoStop.", invalid, StringComparison.Ordinal);
            if (plan is not null) Assert.True(plan.IdleAfter is null || plan.IdleAfter >= AutoStopRules.MinDuration);
        }, iter: 5_000);
    }

    internal static Gen<string> Of(params string[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    private static Gen<T?> OrNull<T>(Gen<T> gen) where T : class => Gen.Frequency((1, Gen.Const(default(T))), (3, gen.Select(v => (T?)v)));

    private static TimeSpan? Seconds(int? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;
}
