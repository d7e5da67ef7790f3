using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Operator.Metrics;

namespace ServerPower.Operator.Tests.Metrics;

public sealed class ServerTimeTests
{
    private static ServerPowerResource Server(string ns, string provider, PowerState? power) => new()
    {
        Metadata = new V1ObjectMeta { Name = Guid.NewGuid().ToString("N"), NamespaceProperty = ns },
        Spec = new ServerPowerSpec { ProviderRef = new LocalObjectReference { Name = provider }, ServerId = "1" },
        Status = power is null ? null : new ServerPowerStatus { PowerState = power },
    };

    [Fact]
    public void Time_between_observations_goes_to_the_state_each_server_had_by_namespace_and_provider()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 18, 0, 0, TimeSpan.Zero));
        var meter = new ServerTime(time);
        var a = Server("games", "wenium", PowerState.Running);
        var b = Server("games", "wenium", PowerState.Stopped);
        var c = Server("vps", "heo", PowerState.Stopped);
        var fresh = Server("vps", "heo", null);

        Assert.Empty(meter.Observe([a, b, c, fresh]));

        time.Advance(TimeSpan.FromSeconds(30));
        a.Status = new ServerPowerStatus { PowerState = PowerState.Stopped };
        var first = meter.Observe([a, b, c, fresh]);
        Assert.Equal(30, first[("games", "wenium", "Running")]);
        Assert.Equal(30, first[("games", "wenium", "Stopped")]);
        Assert.Equal(30, first[("vps", "heo", "Stopped")]);
        Assert.Equal(3, first.Count);

        time.Advance(TimeSpan.FromSeconds(60));
        var second = meter.Observe([a, b]);
        Assert.Equal(120, second[("games", "wenium", "Stopped")]);
        Assert.Equal(60, second[("vps", "heo", "Stopped")]);
        Assert.False(second.ContainsKey(("games", "wenium", "Running")));
    }
}
