using ServerPower.Operator.Decision;
using ServerPower.Providers.Activity;
using ServerPower.Runtime;

namespace ServerPower.Operator.AutoStop;

/// <summary>
/// --activity-reads=false: nothing is read, so no server is ever idle-stopped (maxRuntime still stops servers); the
/// decision sees no activity, as for a server not yet read.
/// </summary>
public sealed class ActivityMonitorOff : IActivityMonitor
{
    public static ActivityMonitorOff Instance { get; } = new();

    public string? Check(ActivitySpec spec) => null;

    public void Ensure(ObjectKey key, ActivitySpec spec)
    {
    }

    public void Forget(ObjectKey key)
    {
    }

    public ActivityState? Observe(ObjectKey key) => null;

    public Task<ActivityRead> ReadNowAsync(ObjectKey key, CancellationToken cancellationToken) =>
        Task.FromResult(ActivityRead.Unknown(ActivityOutcome.Failed, "activity reads are off"));
}
