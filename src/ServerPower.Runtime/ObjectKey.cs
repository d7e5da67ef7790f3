using k8s.Models;

namespace ServerPower.Runtime;

/// <summary>The work-queue key of a namespaced object.</summary>
public readonly record struct ObjectKey(string Namespace, string Name)
{
    public override string ToString() => $"{Namespace}/{Name}";

    public static ObjectKey From(V1ObjectMeta metadata) => new(metadata.NamespaceProperty ?? "", metadata.Name ?? "");
}
