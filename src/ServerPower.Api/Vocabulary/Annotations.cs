namespace ServerPower.Api.Vocabulary;

/// <summary>Annotation keys, finalizer and label names the operator reads or writes.</summary>
public static class Annotations
{
    /// <summary>One-shot: each new value asks for exactly one restart.</summary>
    public const string Restart = ApiGroup.Group + "/restart";

    /// <summary>One-shot: each new value asks for exactly one rebuild.</summary>
    public const string Rebuild = ApiGroup.Group + "/rebuild";

    /// <summary>
    /// One-shot: each new value wakes a server that auto-stop stopped (it is started once and startupGrace begins
    /// again). Same token rule as restart (<see cref="OneShotTokens"/>).
    /// </summary>
    public const string Wake = ApiGroup.Group + "/wake";

    /// <summary>
    /// A temporary state without touching spec: <c>Running</c> or <c>Stopped</c>, optionally followed by
    /// <c> until &lt;RFC 3339 time&gt;</c>. It wins over spec.state and any schedule while in force.
    /// </summary>
    public const string Override = ApiGroup.Group + "/override";

    /// <summary>A one-shot token longer than this is rejected (InvalidSpec), nothing is sent.</summary>
    public const int MaxTokenLength = 63;

    /// <summary>Finalizer added only while <c>spec.deletionPolicy</c> is Stop.</summary>
    public const string StopFinalizer = ApiGroup.Group + "/stop-on-delete";
}
