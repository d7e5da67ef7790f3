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
}
