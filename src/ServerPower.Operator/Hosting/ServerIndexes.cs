using ServerPower.Api.Resources;
using ServerPower.Operator.Scheduling;

namespace ServerPower.Operator.Hosting;

/// <summary>Indexes of the ServerPower cache.</summary>
public static class ServerIndexes
{
    /// <summary>The server's PowerProvider: <c>namespace/spec.providerRef.name</c>.</summary>
    public const string ProviderRef = "providerRef";

    public static IEnumerable<string> ProviderRefOf(ServerPowerResource server) =>
        [Key(server.Metadata.NamespaceProperty, server.Spec.ProviderRef.Name)];

    /// <summary>The PowerSchedule a scheduled server follows: <c>namespace/spec.scheduleRef.name</c> (none when not scheduled).</summary>
    public const string ScheduleRef = "scheduleRef";

    public static IEnumerable<string> ScheduleRefOf(ServerPowerResource server) =>
        EffectiveState.ScheduleName(server.Spec) is { } name ? [Key(server.Metadata.NamespaceProperty, name)] : [];

    /// <summary>An index value naming an object in a namespace.</summary>
    public static string Key(string? ns, string? name) => $"{ns}/{name}";
}
