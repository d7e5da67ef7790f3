using System.Text.Json.Nodes;
using ServerPower.Api.Vocabulary;
using ServerPower.KubectlPower.Commands;

namespace ServerPower.KubectlPower.Tests;

public sealed class FormattingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static JsonObject Server(string extraStatus = "", string annotations = "") => JsonNode.Parse("""
        {
          "apiVersion": "power.serverops.io/v1alpha1", "kind": "ServerPower",
          "metadata": {"name": "web", "namespace": "prod", "annotations": {ANNOTATIONS}},
          "spec": {"providerRef": {"name": "wenium"}, "serverId": "4711", "state": "Running"},
          "status": {
            "desiredState": "Stopped", "powerState": "Stopping", "providerState": "shutting_down",
            "lastAction": {"type": "Stop", "result": "Accepted", "requestTime": "2026-11-30T11:57:00Z"},
            "restart": {"token": "t1", "phase": "Done"},
            "conditions": [
              {"type": "Ready", "status": "False", "reason": "Stopping", "message": "the provider reports stopping", "lastTransitionTime": "2026-11-30T11:57:00Z"},
              {"type": "Synced", "status": "True", "reason": "ReconcileSucceeded", "message": "", "lastTransitionTime": "2026-11-30T10:00:00Z"}
            ]EXTRA
          }
        }
        """.Replace("ANNOTATIONS", annotations).Replace("EXTRA", extraStatus))!.AsObject();

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(45, "45s")]
    [InlineData(119, "119s")]
    [InlineData(200, "3m20s")]
    [InlineData(300, "5m")]
    [InlineData(25 * 60, "25m")]
    [InlineData(5 * 3600 + 600, "5h10m")]
    [InlineData(20 * 3600, "20h")]
    [InlineData(3 * 86400 + 4 * 3600, "3d4h")]
    [InlineData(30 * 86400, "30d")]
    [InlineData(-0.5, "0s")]
    [InlineData(-5, "<invalid>")]
    public void Ages_read_as_kubectl_prints_them(double seconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void A_status_line_shows_provider_desired_effective_power_ready_synced_and_the_last_action_with_its_age()
    {
        var table = StatusTable.Render([ServerView.From(Server())], withNamespace: false, Now);
        var lines = table.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^NAME\s+PROVIDER\s+DESIRED\s+EFFECTIVE\s+POWER\s+READY\s+SYNCED\s+LAST ACTION\s+SINCE$", lines[0]);
        Assert.Matches(@"^web\s+wenium\s+Running\s+Stopped\s+Stopping\s+False/Stopping\s+True/ReconcileSucceeded\s+Stop/Accepted\s+3m$", lines[1]);
        // Columns line up: every header starts where its cells start.
        Assert.Equal(lines[0].IndexOf("READY", StringComparison.Ordinal), lines[1].IndexOf("False/Stopping", StringComparison.Ordinal));
    }

    [Fact]
    public void With_all_namespaces_the_first_column_is_the_namespace_and_a_new_object_shows_dashes()
    {
        var fresh = JsonNode.Parse("""{"metadata": {"name": "new", "namespace": "dev"}, "spec": {"providerRef": {"name": "heo"}, "serverId": "1"}}""")!.AsObject();
        var lines = StatusTable.Render([ServerView.From(fresh)], withNamespace: true, Now).TrimEnd('\n').Split('\n');
        Assert.StartsWith("NAMESPACE", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^dev\s+new\s+heo\s+Running\s+-\s+-\s+-\s+-\s+-\s+-$", lines[1]);
    }

    [Fact]
    public void One_server_in_detail_has_its_conditions_and_one_shots_and_no_history_section_before_the_operator_writes_one()
    {
        var text = StatusDetail.Render(ServerView.From(Server()), Now);
        Assert.Contains("Provider:     wenium (server 4711)", text);
        Assert.Contains("Desired:      Running (effective: Stopped; Manage)", text);
        Assert.Contains("Power:        Stopping (provider: shutting_down)", text);
        Assert.Contains("Last action:  Stop Accepted, 3m ago", text);
        Assert.Matches(@"\n  Ready\s+False\s+Stopping\s+3m\s+the provider reports stopping\n", text);
        Assert.Matches(@"\n  restart\s+t1\s+Done\n", text);
        Assert.DoesNotContain("History:", text);
        Assert.DoesNotContain("Hold:", text);
        Assert.DoesNotContain("Override:", text);
    }

    [Fact]
    public void History_hold_and_override_are_shown_when_the_object_has_them()
    {
        var history = """
            , "history": [
                {"type": "Restart", "token": "t1", "requestTime": "2026-11-30T11:00:00Z", "result": "Accepted", "message": "reboot queued"},
                {"type": "Start", "requestTime": "2026-11-30T10:00:00Z", "result": "Failed", "message": "503"}
              ],
              "override": {"state": "Stopped", "until": "2026-11-30T14:00:00Z"}
            """;
        var hold = $"\"{Annotations.Override}\": \"Stopped until 2026-11-30T14:00:00Z\"";
        var text = StatusDetail.Render(ServerView.From(Server(extraStatus: history, annotations: hold)), Now);
        Assert.Contains("Hold:         Stopped until 2026-11-30T14:00:00Z", text);
        Assert.Contains("Override:     state=Stopped, until=2026-11-30T14:00:00Z", text);
        Assert.Matches(@"History:\n  TIME\s+AGE\s+TYPE\s+RESULT\s+TOKEN\s+MESSAGE\n  2026-11-30T11:00:00Z\s+60m\s+Restart\s+Accepted\s+t1\s+reboot queued\n  2026-11-30T10:00:00Z\s+120m\s+Start\s+Failed\s+-\s+503\n", text);
    }

    [Fact]
    public void A_hold_is_the_state_until_an_RFC_3339_UTC_time()
    {
        var local = new DateTimeOffset(2026, 11, 30, 13, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal("Stopped until 2026-11-30T14:00:00Z", HoldCommand.Value("Stopped", local, TimeSpan.FromHours(2)));
    }

    [Fact]
    public void Fresh_tokens_follow_the_operators_rule_and_differ_between_calls()
    {
        var random = new Random(7);
        var first = OneShotTokens.New(Now, random);
        var second = OneShotTokens.New(Now, random);
        Assert.Matches(@"^20261130T120000Z-[0-9a-f]{6}$", first);
        Assert.True(OneShotTokens.IsValid(first) && first.Length <= Annotations.MaxTokenLength);
        Assert.NotEqual(first, second);
    }

    private static JsonObject AutoStopped(string autoStop) => JsonNode.Parse($$$$$"""
        {
          "metadata": {"name": "mc", "namespace": "games"},
          "spec": {"providerRef": {"name": "panel"}, "serverId": "1a7ce997", "autoStop": {"idleAfter": "30m", "activity": {"minecraft": {"host": "mc.example.com", "port": 25565}}}},
          "status": {"desiredState": "Running", "powerState": "Running", "autoStop": {{{{{autoStop}}}}}}
        }
        """)!.AsObject();

    [Fact]
    public void With_auto_stop_the_status_lines_show_players_and_idle_time()
    {
        var idle = ServerView.From(AutoStopped("""{"players": 0, "lastReadTime": "2026-11-30T11:59:50Z", "idleSince": "2026-11-30T11:35:00Z"}"""));
        var busy = ServerView.From(AutoStopped("""{"players": 3, "lastReadTime": "2026-11-30T11:59:50Z", "lastActiveTime": "2026-11-30T11:59:50Z"}""")) with { Name = "mc2" };
        var unknown = ServerView.From(AutoStopped("""{"lastReadTime": "2026-11-30T11:59:50Z"}""")) with { Name = "mc3" };
        var plain = ServerView.From(Server());

        var lines = StatusTable.Render([idle, busy, unknown, plain], withNamespace: false, Now).TrimEnd('\n').Split('\n');

        Assert.Matches(@"^NAME\s+PROVIDER\s+DESIRED\s+EFFECTIVE\s+POWER\s+READY\s+SYNCED\s+LAST ACTION\s+SINCE\s+PLAYERS\s+IDLE$", lines[0]);
        Assert.Matches(@"^mc\s+panel\s+Running\s+Running\s+Running\s+-\s+-\s+-\s+-\s+0\s+25m$", lines[1]);
        Assert.Matches(@"^mc2\s+.*\s+3\s+-$", lines[2]);
        Assert.Matches(@"^mc3\s+.*\s+-\s+-$", lines[3]);
        Assert.Matches(@"^web\s+wenium\s+.*Stop/Accepted\s+3m\s+-\s+-$", lines[4]);
        Assert.Equal(lines[0].IndexOf("PLAYERS", StringComparison.Ordinal), lines[1].IndexOf(" 0 ", StringComparison.Ordinal) + 1);
    }

    [Fact]
    public void Without_auto_stop_anywhere_the_status_lines_have_no_players_column()
    {
        var header = StatusTable.Render([ServerView.From(Server())], withNamespace: false, Now).Split('\n')[0];
        Assert.DoesNotContain("PLAYERS", header, StringComparison.Ordinal);
        Assert.DoesNotContain("IDLE", header, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"players": 0, "lastReadTime": "2026-11-30T11:59:50Z", "idleSince": "2026-11-30T11:35:00Z"}""", "Auto-stop:    players 0 (read 10s ago), idle 25m\n")]
    [InlineData("""{"lastReadTime": "2026-11-30T11:59:50Z"}""", "Auto-stop:    players unknown (read 10s ago)\n")]
    [InlineData("""{"players": 0, "stoppedAt": "2026-11-30T09:00:00Z", "reason": "Idle"}""", "Auto-stop:    players 0; auto-stopped 3h ago (Idle): kubectl power wake mc\n")]
    public void One_server_in_detail_shows_auto_stop_and_how_to_wake_it(string autoStop, string expected)
    {
        var text = StatusDetail.Render(ServerView.From(AutoStopped(autoStop)), Now);
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_wake_token_is_shown_among_the_one_shots()
    {
        var text = StatusDetail.Render(ServerView.From(Server(extraStatus: """, "wake": {"token": "w1", "phase": "Done"}""")), Now);
        Assert.Matches(@"\n  wake\s+w1\s+Done\n", text);
        Assert.DoesNotContain("Auto-stop:", text, StringComparison.Ordinal);
    }
}
