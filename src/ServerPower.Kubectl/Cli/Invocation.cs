namespace ServerPower.KubectlPower.Cli;

/// <summary>One parsed command line of <c>kubectl power</c>.</summary>
public sealed record Invocation
{
    /// <summary>restart, rebuild, start, stop, hold, release or status; empty with <see cref="Help"/> for the overview.</summary>
    public string Command { get; init; } = "";

    /// <summary>The object names (for hold: the name only; its state is in <see cref="HoldState"/>).</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    public bool Help { get; init; }
    public string? Kubeconfig { get; init; }
    public string? Context { get; init; }
    public string? Namespace { get; init; }
    public bool AllNamespaces { get; init; }
    public string? Selector { get; init; }
    public bool Wait { get; init; }
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>hold: Running or Stopped.</summary>
    public string? HoldState { get; init; }

    /// <summary>hold: how long.</summary>
    public TimeSpan? For { get; init; }

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);
}
