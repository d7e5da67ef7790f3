namespace ServerPower.Operator.Runtime;

/// <summary>The work-queue key of a namespaced object.</summary>
public readonly record struct ObjectKey(string Namespace, string Name)
{
    public override string ToString() => $"{Namespace}/{Name}";
}
