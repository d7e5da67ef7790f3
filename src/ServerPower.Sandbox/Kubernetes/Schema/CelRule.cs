namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>One x-kubernetes-validations entry, compiled when its CRD was admitted.</summary>
public sealed record CelRule(
    string Rule,
    string? Message,
    CelProgram Program,
    CelProgram? MessageExpression,
    string? Reason,
    string? FieldPath)
{
    /// <summary>kube-apiserver's ruleErrorString: the message if there is one, else the rule.</summary>
    public string ErrorString => string.IsNullOrEmpty(Message) ? Rule.Trim() : Message.Trim();

    /// <summary>kube-apiserver's ruleMessageOrDefault.</summary>
    public string MessageOrDefault => string.IsNullOrEmpty(Message) ? $"failed rule: {ErrorString}" : Message.Trim();
}
