namespace ServerPower.Operator.Kubernetes;

/// <summary>The field manager every write of the operator carries, so managedFields show who set what.</summary>
public static class FieldManager
{
    public const string Name = "serverpower-operator";
}
