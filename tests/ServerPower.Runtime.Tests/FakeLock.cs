using k8s.LeaderElection;

namespace ServerPower.Runtime.Tests;

/// <summary>
/// An in-memory <see cref="ILock"/>. While open, create and update succeed; while closed, the lease looks freshly
/// renewed by someone else and every write fails, so the holder loses leadership at its renew deadline.
/// </summary>
internal sealed class FakeLock(string identity) : ILock
{
    private volatile bool open = true;
    private LeaderElectionRecord? record;

    public string Identity => identity;

    public void Open() => open = true;

    public void Close() => open = false;

    public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default)
    {
        if (!open)
        {
            return Task.FromResult(new LeaderElectionRecord
            {
                HolderIdentity = "someone-else",
                AcquireTime = DateTime.UtcNow,
                RenewTime = DateTime.UtcNow,
                LeaseDurationSeconds = 15,
            });
        }
        return Task.FromResult(record!);
    }

    public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) => Write(record);

    public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) => Write(record);

    public string Describe() => "fake lock";

    private Task<bool> Write(LeaderElectionRecord value)
    {
        if (!open) return Task.FromResult(false);
        record = value;
        return Task.FromResult(true);
    }
}
