using System.Text.Json.Nodes;
using ServerPower.Api.Resources;
using ServerPower.Sandbox.Activity;
using ServerPower.Sandbox.Command;
using ServerPower.Sandbox.Providers;

namespace ServerPower.Sandbox.Tests.Command;

/// <summary>The samples as the sandbox installs them: the auto-stop sample reads the sandbox's own Minecraft fake.</summary>
public sealed class SampleInstallerTests : IAsyncLifetime
{
    private readonly Dictionary<ProviderType, IProviderSimulator> simulators = [];

    public async ValueTask InitializeAsync()
    {
        foreach (var type in Enum.GetValues<ProviderType>()) simulators[type] = await ProviderSimulators.StartAsync(type);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var simulator in simulators.Values) await simulator.DisposeAsync();
    }

    private static IReadOnlyList<JsonObject> Samples() => SampleInstaller.Load(Path.Combine(RepositoryRoot.Find(), "config", "samples"));

    private static JsonNode? AutoStopOf(IEnumerable<JsonObject> documents) =>
        Assert.Single(documents, d => (string?)d["metadata"]?["name"] == "wenium-minecraft")["spec"]!["autoStop"];

    [Fact]
    public async Task The_auto_stop_sample_reads_the_Minecraft_fake_on_loopback_which_the_sandbox_starts_with_nobody_online()
    {
        await using var minecraft = MinecraftPingListener.Start(players: 0);

        var autoStop = AutoStopOf(SampleInstaller.PointAtSimulators(Samples(), simulators, minecraft: minecraft));

        Assert.Equal("127.0.0.1", (string?)autoStop?["activity"]?["minecraft"]?["host"]);
        Assert.Equal(minecraft.Port, (int?)autoStop?["activity"]?["minecraft"]?["port"]);
        Assert.Equal("1m", (string?)autoStop?["idleAfter"]);
    }

    [Fact]
    public void Without_a_fake_the_auto_stop_sample_reads_nothing_outside_the_sandbox()
    {
        var autoStop = AutoStopOf(SampleInstaller.PointAtSimulators(Samples(), simulators));

        Assert.Null(autoStop);
    }
}
