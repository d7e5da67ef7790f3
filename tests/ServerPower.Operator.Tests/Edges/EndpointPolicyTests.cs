using ServerPower.Operator.Reconciliation;

namespace ServerPower.Operator.Tests.Edges;

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
