using k8s.LeaderElection;

namespace ServerPower.Runtime.Tests;

/// <summary>
/// An in-memory <see cref="ILock"/> over a lease that several locks (replicas) may share. While open, create and
/// update succeed; while closed, the lease looks freshly renewed by someone else and every write fails, so the holder
/// loses leadership at its renew deadline. <see cref="Fail"/> makes this replica's next calls of one operation throw,
/// as a broken connection to the API server would.
/// Like KubernetesClient's LeaseLock over the real API server, a call made with a cancelled token throws before it
/// reaches the lease (HttpClient refuses to send), and an update is refused when the lease changed since this lock
/// last read or wrote it (the Replace carries that resourceVersion: 409 Conflict, reported as false). Without both,
/// a renew the elector had queued before shutdown and that ran after the release took the lease back.
/// </summary>
internal sealed class FakeLock : ILock
{
    private readonly Lease lease;
    private readonly Lock gate = new();
    private LockOperation failing;
    private int failuresLeft;
    private Func<Exception> error = () => new HttpRequestException("connection refused");
    private int failedCalls;
    private int writes;
    private long seenVersion = -1;

    public FakeLock(string identity) : this(identity, new Lease())
    {
    }

    private FakeLock(string identity, Lease lease)
    {
        Identity = identity;
        this.lease = lease;
    }

    public string Identity { get; }

    /// <summary>Another replica's lock on the same lease.</summary>
    public FakeLock SharedWith(string identity) => new(identity, lease);

    /// <summary>A copy of the lease's record as stored (null before the first create).</summary>
    public LeaderElectionRecord? Record => lease.Read();

    /// <summary>Successful creates and updates through this lock.</summary>
    public int Writes => Volatile.Read(ref writes);

    /// <summary>Calls that threw because of <see cref="Fail"/>.</summary>
    public int FailedCalls => Volatile.Read(ref failedCalls);

    public void Open() => lease.Open = true;

    public void Close() => lease.Open = false;

    /// <summary>The next <paramref name="times"/> calls of <paramref name="operation"/> throw the error.</summary>
    public void Fail(LockOperation operation, int times, Func<Exception> exception)
    {
        lock (gate)
        {
            failing = operation;
            failuresLeft = times;
            error = exception;
        }
    }

    public void Heal() => Fail(LockOperation.Get, 0, error);

    public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfFailing(LockOperation.Get);
        if (!lease.Open)
        {
            return Task.FromResult(new LeaderElectionRecord
            {
                HolderIdentity = "someone-else",
                AcquireTime = DateTime.UtcNow,
                RenewTime = DateTime.UtcNow,
                LeaseDurationSeconds = 15,
            });
        }
        var (record, version) = lease.ReadVersioned();
        Interlocked.Exchange(ref seenVersion, version);
        return Task.FromResult(record!);
    }

    public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Write(record, expectedVersion: 0); // version 0: never written; creating an existing lease is a 409
    }

    public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfFailing(LockOperation.Update);
        return Write(record, Interlocked.Read(ref seenVersion));
    }

    public string Describe() => "fake lock";

    private void ThrowIfFailing(LockOperation operation)
    {
        lock (gate)
        {
            if (failing != operation || failuresLeft <= 0) return;
            failuresLeft--;
            failedCalls++;
            throw error();
        }
    }

    private Task<bool> Write(LeaderElectionRecord value, long expectedVersion)
    {
        var written = lease.Write(value, expectedVersion);
        if (written is null) return Task.FromResult(false);
        Interlocked.Exchange(ref seenVersion, written.Value);
        Interlocked.Increment(ref writes);
        return Task.FromResult(true);
    }

    private sealed class Lease
    {
        private readonly Lock gate = new();
        private LeaderElectionRecord? record;
        private long version;
        private volatile bool open = true;

        public bool Open
        {
            get => open;
            set => open = value;
        }

        public LeaderElectionRecord? Read()
        {
            lock (gate) return record is null ? null : Copy(record);
        }

        public (LeaderElectionRecord? Record, long Version) ReadVersioned()
        {
            lock (gate) return (record is null ? null : Copy(record), version);
        }

        /// <summary>The new version, or null when closed or when the lease is not at the expected version (0: none yet).</summary>
        public long? Write(LeaderElectionRecord value, long expectedVersion)
        {
            if (!Open) return null;
            lock (gate)
            {
                if (expectedVersion != version) return null;
                record = Copy(value);
                return ++version;
            }
        }

        private static LeaderElectionRecord Copy(LeaderElectionRecord r) => new()
        {
            HolderIdentity = r.HolderIdentity,
            LeaseDurationSeconds = r.LeaseDurationSeconds,
            AcquireTime = r.AcquireTime,
            RenewTime = r.RenewTime,
            LeaderTransitions = r.LeaderTransitions,
        };
    }
}

public enum LockOperation
{
    Get,
    Update,
}
