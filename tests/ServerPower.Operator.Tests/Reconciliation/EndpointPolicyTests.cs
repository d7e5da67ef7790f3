using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Reconciliation;
using ServerPower.Operator.Tests.Reconciliation;
using ServerPower.Operator.Endpoints;

namespace ServerPower.Operator.Tests.Reconciliation;

public sealed class EndpointPolicyTests
{
    [Theory]
    [InlineData("https://console.wenium.com/api", false, false, "", true)]
    [InlineData("http://console.wenium.com/api", false, false, "", false)]
    [InlineData("http://127.0.0.1:5000", false, false, "", false)]
    [InlineData("http://127.0.0.1:5000", false, true, "", true)]
    [InlineData("http://localhost:5000", false, true, "", true)]
    [InlineData("http://[::1]:5000", false, true, "", true)]
    [InlineData("http://10.0.0.5:8080", false, true, "", false)]
    [InlineData("http://10.0.0.5:8080", true, false, "", true)]
    [InlineData("ftp://files.example.com", true, true, "", false)]
    [InlineData("https://panel.example.com", false, false, "panel.example.com,node1.example.com", true)]
    [InlineData("https://evil.example.com", false, false, "panel.example.com", false)]
    public void Checks_scheme_loopback_and_allowlist(string endpoint, bool allowHttp, bool allowLoopback, string hosts, bool allowed)
    {
        var policy = new EndpointPolicy(allowHttp, allowLoopback, hosts.Split(',', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(allowed, policy.Check(new Uri(endpoint)) is null);
    }
}

public sealed class HostileInputTests
{
    [Theory]
    [InlineData("https://user:hunter2@panel.example.com", "user name or password")]
    [InlineData("https://panel.example.com/?token=abc", "query string")]
    [InlineData("https://panel.example.com/#x", "fragment")]
    public async Task Endpoints_with_credentials_a_query_or_a_fragment_are_refused_and_never_echoed(string endpoint, string reason)
    {
        var f = new ReconcilerFixture(ProviderType.PterodactylPanel);
        var provider = f.Kube.Provider(ReconcilerFixture.Ns, "main");
        provider.Spec = provider.Spec with { Endpoint = endpoint };
        f.Kube.Put(provider);
        f.AddServer(DesiredPowerState.Running, PowerState.Running);

        await f.ReconcileAsync();

        var synced = f.Condition(ConditionTypes.Synced)!;
        Assert.Equal(Reasons.InvalidSpec, synced.Reason);
        Assert.Contains(reason, synced.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ApiJson.Serialize(f.Server.Status!), StringComparison.Ordinal);
        Assert.DoesNotContain(f.Events, e => e.Message.Contains("hunter2", StringComparison.Ordinal));
        Assert.Empty(f.Provider.Sent);
    }

    [Fact]
    public void An_unparseable_endpoint_is_echoed_without_its_credentials() =>
        Assert.Equal("https://***@bad host", EndpointPolicy.Redact("https://user:hunter2@bad host"));

    [Theory]
    [InlineData("   \n", "white space")]
    [InlineData("abc\ndef", "control characters")]
    public async Task A_token_that_is_blank_or_has_control_characters_is_CredentialsMissing_and_nothing_is_sent(string token, string reason)
    {
        var f = new ReconcilerFixture();
        f.Kube.PutSecret(ReconcilerFixture.Ns, "token", "token", token);
        f.AddServer(DesiredPowerState.Stopped, PowerState.Running);

        await f.ReconcileAsync();

        var synced = f.Condition(ConditionTypes.Synced)!;
        Assert.Equal(Reasons.CredentialsMissing, synced.Reason);
        Assert.Contains(reason, synced.Message, StringComparison.Ordinal);
        Assert.Empty(f.Provider.Sent);
        Assert.Empty(f.Provider.Accounts);
    }
}
