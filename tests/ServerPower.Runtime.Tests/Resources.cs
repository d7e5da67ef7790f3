using k8s.Models;
using ServerPower.Api.Resources;

namespace ServerPower.Runtime.Tests;

internal static class Resources
{
    public static ServerPowerResource Server(string ns, string name, string rv, long generation = 1,
        string provider = "acme", Dictionary<string, string>? annotations = null, PowerState? power = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            NamespaceProperty = ns,
            Name = name,
            ResourceVersion = rv,
            Generation = generation,
            Annotations = annotations,
        },
        Spec = new ServerPowerSpec { ProviderRef = new LocalObjectReference { Name = provider }, ServerId = name },
        Status = power is null ? null : new ServerPowerStatus { PowerState = power },
    };

    public static PowerProviderResource Provider(string ns, string name, string rv) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name, ResourceVersion = rv, Generation = 1 },
    };

    public static ServerPowerResource Bookmark(string rv) => new() { Metadata = new V1ObjectMeta { ResourceVersion = rv } };
}
