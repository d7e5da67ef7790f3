using ServerPower.Api.Resources;

namespace ServerPower.Operator.Hosting;

/// <summary>Indexes of the ServerPower cache.</summary>
public static class ServerIndexes
{
    /// <summary>The server's PowerProvider: <c>namespace/spec.providerRef.name</c>.</summary>
    public const string ProviderRef = "providerRef";

    public static IEnumerable<string> ProviderRefOf(ServerPowerResource server) =>
        [Key(server.Metadata.NamespaceProperty, server.Spec.ProviderRef.Name)];

    /// <summary>An index value naming an object in a namespace.</summary>
    public static string Key(string? ns, string? name) => $"{ns}/{name}";
}
