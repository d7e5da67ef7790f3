namespace ServerPower.Runtime;

public sealed record LeaderElectionOptions
{
    /// <summary>Off: this replica is always the leader (one replica, or tests).</summary>
    public bool Enabled { get; init; } = true;

    public string LeaseName { get; init; } = "serverpower-operator";

    /// <summary>Defaults to POD_NAMESPACE, then the service account's namespace file, then <c>default</c>.</summary>
    public string? LeaseNamespace { get; init; }

    /// <summary>Defaults to POD_NAME, else the host name with a random suffix.</summary>
    public string? Identity { get; init; }

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Bound on releasing the lease at shutdown (one GET and one PUT).</summary>
    public TimeSpan ReleaseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public string ResolveIdentity()
    {
        if (!string.IsNullOrEmpty(Identity)) return Identity;
        if (Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod) return pod;
        return $"{Environment.MachineName}_{Guid.NewGuid().ToString("N")[..8]}";
    }

    public string ResolveNamespace()
    {
        if (!string.IsNullOrEmpty(LeaseNamespace)) return LeaseNamespace;
        if (Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } ns) return ns;
        const string serviceAccount = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
        return File.Exists(serviceAccount) ? File.ReadAllText(serviceAccount).Trim() : "default";
    }
}
