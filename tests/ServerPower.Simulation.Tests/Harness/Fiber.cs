using ServerPower.Api.Resources;
using ServerPower.Runtime;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// One reconcile call of the real reconciler, run step by step: it stops at every await on an edge (Kubernetes,
/// provider, events) and continues only when the agenda wakes it. What it read and did is kept for the invariants.
/// </summary>
internal sealed class Fiber(int id, OperatorProcess process, ObjectKey key, IReadOnlySet<string> triggers, Action<Fiber> onFinished)
{
    private TaskCompletionSource? resume;

    public int Id { get; } = id;
    public OperatorProcess Process { get; } = process;
    public ObjectKey Key { get; } = key;

    /// <summary>Why the work queue handed the key out: watch (others' change), watch-own, resync, requeue, backoff, startup.</summary>
    public IReadOnlySet<string> Triggers { get; } = triggers;

    /// <summary>Called once, when the reconcile returned or threw.</summary>
    public Action<Fiber> OnFinished { get; } = onFinished;

    public CancellationTokenSource Cancellation { get; } = new();
    public Task<ReconcileResult>? Task { get; set; }
    public string Where { get; set; } = "start";

    /// <summary>Dropped at an await for good: the process died there (a hard crash).</summary>
    public bool Abandoned { get; set; }

    public TaskCompletionSource? Resume
    {
        get => Volatile.Read(ref resume);
        set => Volatile.Write(ref resume, value);
    }

    // What the reconcile saw and did.
    public ServerPowerResource? ReadObject { get; set; }
    public bool ReadFresh { get; set; }
    public bool Conflicted { get; set; }
    public Dictionary<ActionType, string> SendingTokens { get; } = [];
    public ServerPowerStatus? LastWritten { get; set; }
    public ProviderRequest? LastRead { get; set; }
    public bool Sent { get; set; }

    /// <summary>When the reconcile started, in the order of <see cref="SimContext.NextSeq"/>.</summary>
    public long StartSeq { get; init; }

    public string Name => $"P{Process.Id}#{Id} {Key.Name}";

    public bool Finished => Task is { IsCompleted: true };
}
