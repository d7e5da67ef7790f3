using ServerPower.Runtime;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>Probe and activity targets name their ServerPower: <c>name.namespace.example.com</c>.</summary>
internal static class FlowHosts
{
    public static string Of(ObjectKey key) => $"{key.Name}.{key.Namespace}.example.com";

    /// <summary>The world's server the object named by <paramref name="host"/> declares now; null when there is none.</summary>
    public static SimServer? ServerOf(SimKube kube, ProviderWorld world, string host)
    {
        var parts = host.Split('.');
        if (parts.Length < 2 || kube.View(new ObjectKey(parts[1], parts[0])) is not { } live) return null;
        return world.Servers.GetValueOrDefault(live.Spec.ServerId);
    }
}
