using ServerPower.Api.Resources;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>lastAction.target names the PowerProvider, its type and endpoint, and the server id, as users read it.</summary>
public sealed class ActionTargetTests
{
    [Fact]
    public void The_target_names_the_PowerProvider_its_type_and_endpoint_and_the_server()
    {
        var resolved = new ProviderView.Resolved(ProviderType.Wings, Wings, null, null, Endpoint: "https://node1.example:8080");
        Assert.Equal("PowerProvider p (Wings https://node1.example:8080) server 1", ActionTarget.Of(Server(), resolved));
        Assert.Equal("PowerProvider p (Wings) server 1", ActionTarget.Of(Server(), resolved with { Endpoint = null }));
    }
}
