using ServerPower.Api.Resources;

namespace ServerPower.Operator.Ordering;

/// <summary>The ServerPowers the operator knows (its cache), looked up by name and by the names in spec.startAfter.</summary>
public interface IServerGraph
{
    ServerPowerResource? Get(string ns, string name);

    /// <summary>The servers in <paramref name="ns"/> whose spec.startAfter lists <paramref name="name"/> (an index, not a scan).</summary>
    IReadOnlyList<ServerPowerResource> Dependents(string ns, string name);
}
