namespace ServerPower.Operator.Decision;

/// <summary>
/// The start/stop order around one server, computed from the cache before deciding (see Ordering/DependencyResolver.cs).
/// <paramref name="NotReady"/>: spec.startAfter names that are not Ready=True with desired state Running.
/// <paramref name="StoppingDependents"/>: servers listing this one in spec.startAfter that are also being stopped and
/// still report Running, Stopping, Starting or Busy. <paramref name="RunningDependents"/>: servers listing this one that are still
/// declared Running and report Running or Starting (their stop may be on its way: changes to several objects arrive one
/// by one, in any order), and those whose power state is not known yet (they may still run). <paramref name="Invalid"/>: a name that is not a ServerPower, or a cycle.
/// </summary>
public sealed record DependencyView(IReadOnlyList<string> NotReady, IReadOnlyList<string> StoppingDependents, string? Invalid = null,
    IReadOnlyList<string>? RunningDependents = null)
{
    public static DependencyView None { get; } = new([], []);
}
