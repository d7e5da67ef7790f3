namespace ServerPower.Operator.Hosting.Kubeconfig;

/// <summary>
/// One node of a kubeconfig file as read by <see cref="KubeconfigYaml"/> or <see cref="KubeconfigJson"/>: a mapping,
/// a list or a scalar, with the line it starts on (0 when unknown: JSON files) for error messages.
/// </summary>
public abstract record KubeconfigNode(int Line);

/// <summary>A mapping; keys in file order, each once.</summary>
public sealed record KubeconfigMapping(int Line, IReadOnlyDictionary<string, KubeconfigNode> Entries) : KubeconfigNode(Line);

/// <summary>A list.</summary>
public sealed record KubeconfigSequence(int Line, IReadOnlyList<KubeconfigNode> Items) : KubeconfigNode(Line);

/// <summary>A scalar as text (numbers and booleans too); <see cref="Value"/> is null for null, <c>~</c> and nothing.</summary>
public sealed record KubeconfigScalar(int Line, string? Value) : KubeconfigNode(Line);
