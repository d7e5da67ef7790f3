using ServerPower.Api.Resources;
using ServerPower.Operator.Endpoints;
using static ServerPower.Operator.Tests.Reconciliation.ReconcilerRows;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>The outbound policy for a provider's endpoint: plain http is refused, and a refusal says what is wrong.</summary>
public sealed class EndpointPolicyRuleTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://provider.example.com/api")]
    public void The_default_policy_refuses_plain_http_even_on_loopback(string endpoint)
    {
        var refused = EndpointPolicy.Default.Check(new Uri(endpoint));
        Assert.NotNull(refused);
        Assert.Contains("https", refused, StringComparison.Ordinal);
        Assert.Null(EndpointPolicy.Default.Check(new Uri("https://provider.example.com/api")));
    }

    [Fact]
    public void A_refused_endpoint_says_what_is_wrong_with_it()
    {
        Assert.Contains("'ftp'", new EndpointPolicy(true, true, []).Check(new Uri("ftp://files.example.com")), StringComparison.Ordinal);
        Assert.Contains("'evil.example.com'", new EndpointPolicy(false, false, ["panel.example.com"]).Check(new Uri("https://evil.example.com")), StringComparison.Ordinal);
    }
}
